import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { MemberEvent } from "../durable-objects/member/member-events";
import worker from "../workers/index";
import { call } from "./api";
import { coalition, createReward, earnPosted, enroll, redeem } from "./ledger";

let messageCounter = 0;

/**
 * Hands messages to the worker's queue() as the Queue would, and answers what it acked and retried.
 * getQueueResult() does not report a retry's delay, so `retried` adds the one each message asked for.
 */
export async function deliver(queue: "loyalty-outbox" | "loyalty-outbox-dlq" | "loyalty-chat-sync", bodies: unknown[], attempts = 1) {
  const messages = bodies.map((body) => ({ id: `msg-${++messageCounter}`, timestamp: Date.now(), attempts, body }));
  const batch = createMessageBatch(queue, messages);
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  const consume: ExportedHandlerQueueHandler<Env, unknown> = worker.queue;
  await consume(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const retried = result.retryMessages.map(({ msgId }) => ({ msgId, delaySeconds: delays.get(msgId) }));
  return { ids: messages.map((message) => message.id), result, retried };
}

/** An outbox event as a Member actor sends it. */
export function memberEvent(memberId: string, seq: number, available: number): MemberEvent {
  return {
    v: 1,
    memberId,
    programId: "prg_fixture",
    seq,
    atMs: Date.now(),
    kind: "points_posted",
    snapshot: { tier: "BRONZE", available, lifetimePoints: available, lifetimeSpendCents: available * 100, visits: 1, debt: 0 },
    venues: [{ venueId: "ven_fixture", visits: 1, spendCents: available * 100 }],
    settlements: [],
    data: {},
  };
}

export async function projectedBalance(memberId: string) {
  return (await env.DB.prepare("SELECT available FROM member_balances WHERE member_id = ?").bind(memberId).first<{ available: number }>())?.available ?? null;
}

export async function settlementPairs(programId: string) {
  const response = await call("GET", `/v1/programs/${programId}/settlements`);
  if (response.status !== 200) throw new Error(JSON.stringify(response.json));
  return response.json.pairs as { earningVenueId: string; redeemingVenueId: string; redemptions: number; points: number; valueCents: number }[];
}

/**
 * A member earns at venue 0 of a 2-venue coalition and redeems at venue 1, which accepts points
 * from anywhere: one settlement, reported once the Queue consumer has projected it.
 */
export async function crossVenueRedemption(externalRef: string) {
  const { program, venues } = await coalition(2, undefined, [{}, { maxCrossVenueRedemptionPercent: 100 }]);
  const memberId = await enroll(venues[0].key, externalRef);
  await earnPosted(venues[0].key, memberId, 12_000);
  const reward = await createReward(program.id, { pointsCost: 150 });
  const redemption = await redeem(venues[1].key, { memberId, rewardId: reward.json.id });
  if (redemption.json.settlements?.length !== 1) throw new Error(`expected one settlement: ${JSON.stringify(redemption.json)}`);
  await vi.waitUntil(async () => (await settlementPairs(program.id)).length === 1, { timeout: 10_000, interval: 100 });
  const events = await env.MEMBER.getByName(memberId).events(0, 100);
  const redeemedEvent = events.find((event) => event.kind === "redeemed")!;
  return { programId: program.id, memberId, redeemedEvent, lastSeq: events[events.length - 1].seq, pairs: await settlementPairs(program.id) };
}

/** What a lost event leaves behind: the settlement rows it carried never reached D1. */
export async function loseSettlements(programId: string) {
  await env.DB.prepare("DELETE FROM settlements WHERE program_id = ?").bind(programId).run();
}
