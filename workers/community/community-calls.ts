import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { TtlCache } from "../cache/ttl-cache";
import { ApiError } from "../errors/api-error";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { programContext } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";

/** A member's program never changes: known ones skip asking the actor (bounded, per isolate). */
const programOfMember = new TtlCache<string>(10 * 60_000, 10_000);

/** The member's program, or the named rejection a community caller gets for an unknown member. */
export async function memberProgram(env: Env, memberId: string) {
  requireMemberId(memberId);
  let programId = programOfMember.get(memberId);
  if (!programId) {
    const profile = await callActor(env.MEMBER, memberId, (member) => member.profile());
    if (profile.status === 404) throw new ApiError(404, "not_a_member", `No member ${memberId}`);
    programId = profile.body.programId;
    programOfMember.set(memberId, programId);
  }
  return programContext(env.DB, programId);
}

const notAMember = <R extends { status: number; body: unknown }>(reply: R, memberId: string): R => {
  if (reply.status === 404) throw new ApiError(404, "not_a_member", `No member ${memberId} in this program`);
  return reply;
};

/** Credits a community action through the member's actor (the one credit path, which also refuses reserved kinds and times outside the window); answers carry the breakdown. */
export async function creditAction(env: Env, memberId: string, action: { kind: string; sourceId: string; occurredAt?: string }, key: string) {
  const occurredAtMs = action.occurredAt === undefined ? undefined : Date.parse(action.occurredAt);
  const program = await memberProgram(env, memberId);
  const hash = requestHash("community_action", memberId, action);
  const reply = await callActor(env.MEMBER, memberId, (member) =>
    member.creditAction({ v: memberRpcVersion, idempotencyKey: key, requestHash: hash, program, kind: action.kind, sourceId: action.sourceId, occurredAtMs }),
  );
  return notAMember(reply, memberId);
}

/** Claims the member's daily streak; the local day is its natural id, a key is optional. */
export async function claimStreak(env: Env, memberId: string, key: string | undefined) {
  const program = await memberProgram(env, memberId);
  const reply = await callActor(env.MEMBER, memberId, (member) => member.claimStreak({ v: memberRpcVersion, idempotencyKey: key, requestHash: requestHash("streak_claim", memberId, {}), program }));
  return notAMember(reply, memberId);
}
