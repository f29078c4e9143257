import { amaIdPattern } from "../../domain/programs/program-config";
import type { ProgramContext } from "../../durable-objects/member/rpc-types";
import { TtlCache } from "../cache/ttl-cache";

/**
 * What a Tencent Chat group is to a member's program: one of its gated channels (`community.chatGroups`,
 * gate → group id), an AMA's chat (the AVChatRoom whose group id is the AMA id), or nothing of ours.
 */
export type ChatGroup = { kind: "channel"; gate: string } | { kind: "ama"; amaId: string; sameProgram: boolean };

/** An AMA's program never changes: a known one skips D1 (bounded, per isolate); an unknown id is asked again soon. */
const amaPrograms = new TtlCache<string>(10 * 60_000, 10_000);
const unknownAmas = new TtlCache<true>(10_000, 10_000);

async function amaProgram(db: D1Database, amaId: string): Promise<string | null> {
  const known = amaPrograms.get(amaId);
  if (known) return known;
  if (unknownAmas.get(amaId)) return null;
  const row = await db.prepare("SELECT program_id FROM amas WHERE id = ?").bind(amaId).first<{ program_id: string }>();
  if (!row) {
    unknownAmas.set(amaId, true);
    return null;
  }
  amaPrograms.set(amaId, row.program_id);
  return row.program_id;
}

/** The group as the sender's program sees it; null when it is none of ours (no gate, no AMA). */
export async function chatGroupOf(db: D1Database, program: ProgramContext, groupId: string): Promise<ChatGroup | null> {
  for (const [gate, id] of Object.entries(program.config.community?.chatGroups ?? {})) if (id === groupId) return { kind: "channel", gate };
  if (!amaIdPattern.test(groupId)) return null;
  const programId = await amaProgram(db, groupId);
  return programId === null ? null : { kind: "ama", amaId: groupId, sameProgram: programId === program.id };
}
