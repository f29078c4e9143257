import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type ProgramContext, memberRpcVersion } from "../durable-objects/member/rpc-types";
import { call, createProgram } from "./api";

/**
 * A member of a new community program (the preset, plus `overrides`) in `timezone`, with the
 * member's actor at hand: credit an action or claim the streak at a given instant, read its tables.
 */
export async function communityMember(timezone = "UTC", overrides?: CommunityOverrides, options: { verified?: boolean } = {}) {
  const program = await createProgram("Nebula", "community", options.verified ? withTestVerification(overrides) : overrides);
  const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `community-${crypto.randomUUID()}`, timezone } });
  if (enrolled.status !== 201) throw new Error(`enroll: ${JSON.stringify(enrolled.json)}`);
  const memberId = enrolled.json.id as string;
  const context: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
  const stub = env.MEMBER.getByName(memberId);
  const action = (kind: string, sourceId: string, iso: string, idempotencyKey?: string) =>
    stub.creditAction({ v: memberRpcVersion, idempotencyKey, requestHash: `${kind}:${sourceId}`, program: context, kind, sourceId, occurredAtMs: Date.parse(iso), nowMs: Date.parse(iso) });
  const claim = (iso: string) => stub.claimStreak({ v: memberRpcVersion, requestHash: "claim", program: context, nowMs: Date.parse(iso) });
  // A verified member (§7a) without extra points: a 0-point qualifying kind only tests use.
  if (options.verified) await stub.creditAction({ v: memberRpcVersion, requestHash: "verify", program: context, kind: testVerificationKind, sourceId: "verify" });
  const rows = <T extends Record<string, SqlStorageValue>>(query: string) => runInDurableObject(stub, (_member, state) => state.storage.sql.exec<T>(query).toArray());
  return { program, memberId, context, stub, action, claim, rows };
}

type CommunityOverrides = { community?: { actions?: object; [key: string]: unknown }; [key: string]: unknown };

/** A kind worth 0 points that verifies a member: tests verify a member without touching balances or the week's features. */
export const testVerificationKind = "test_verification";

export function withTestVerification(overrides: CommunityOverrides = {}): CommunityOverrides {
  const community = overrides.community ?? {};
  return {
    ...overrides,
    community: {
      ...community,
      actions: { ...community.actions, [testVerificationKind]: { points: 0, cooldownMinutes: 0 } },
      qualifyingKinds: ["voice_ama", "live_event", "chat_activity", "governance_vote", testVerificationKind],
    },
  };
}
