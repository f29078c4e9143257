import { drizzle } from "drizzle-orm/d1";
import { applyMemberEvents } from "../../db/projections";
import { callActor } from "../ledger/call-actor";

export type RebuiltProjection = { memberId: string; programId: string; seq: number; settlements: number };

/**
 * Rewrites one member's read-side rows from its actor: the whole current snapshot and every
 * settlement record it holds, whatever sequence number the rows say (a row can claim the actor's
 * latest number and still be stale). Settlements insert by id, so it can run any number of times. This is how a
 * lost event heals: a settlement travels in exactly one event, but the actor keeps them all.
 */
export async function rebuildMemberProjection(env: Env, memberId: string): Promise<RebuiltProjection | null> {
  const snapshot = await callActor(env.MEMBER, memberId, (member) => member.projectionSnapshot());
  if (!snapshot) return null;
  await applyMemberEvents(drizzle(env.DB), [snapshot], { overwrite: true });
  return { memberId, programId: snapshot.programId, seq: snapshot.seq, settlements: snapshot.settlements.length };
}
