import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type ProgramContext, memberRpcVersion } from "../durable-objects/member/rpc-types";
import { call, createProgram } from "./api";

/**
 * A member of a new community program (the preset, plus `overrides`) in `timezone`, with the
 * member's actor at hand: credit an action or claim the streak at a given instant, read its tables.
 */
export async function communityMember(timezone = "UTC", overrides?: object) {
  const program = await createProgram("Nebula", "community", overrides);
  const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `community-${crypto.randomUUID()}`, timezone } });
  if (enrolled.status !== 201) throw new Error(`enroll: ${JSON.stringify(enrolled.json)}`);
  const memberId = enrolled.json.id as string;
  const context: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
  const stub = env.MEMBER.getByName(memberId);
  const action = (kind: string, sourceId: string, iso: string, idempotencyKey?: string) =>
    stub.creditAction({ v: memberRpcVersion, idempotencyKey, requestHash: `${kind}:${sourceId}`, program: context, kind, sourceId, occurredAtMs: Date.parse(iso), nowMs: Date.parse(iso) });
  const claim = (iso: string) => stub.claimStreak({ v: memberRpcVersion, requestHash: "claim", program: context, nowMs: Date.parse(iso) });
  const rows = <T extends Record<string, SqlStorageValue>>(query: string) => runInDurableObject(stub, (_member, state) => state.storage.sql.exec<T>(query).toArray());
  return { program, memberId, context, stub, action, claim, rows };
}
