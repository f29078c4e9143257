import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { intentFor, settler, settlerRows } from "../../test/settler";
import worker from "../index";

async function deliver(bodies: unknown[]) {
  const batch = createMessageBatch("loyalty-settlement", bodies.map((body, n) => ({ id: `intent-msg-${n}-${Math.random()}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  const consume: ExportedHandlerQueueHandler<Env, unknown> = worker.queue;
  await consume(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ids: batch.messages.map((message) => message.id), ...result };
}

describe("the settlement intents queue", () => {
  it("stores a valid intent in the settler before acking it", async () => {
    const intent = intentFor("m-queue", 10n);
    const result = await deliver([intent]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(await settlerRows("SELECT intent_id, state FROM intents WHERE intent_id = ?", intent.intentId)).toEqual([{ intent_id: intent.intentId, state: "queued" }]);
  });

  it("acks and drops a message that is not an intent, and still stores the valid one beside it", async () => {
    const intent = intentFor("m-queue-2", 10n);
    const result = await deliver([{ v: 1, intentId: "x" }, intent, "not json at all"]);
    expect(result.explicitAcks.sort()).toEqual([...result.ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await settlerRows("SELECT intent_id FROM intents WHERE intent_id IN (?, 'x')", intent.intentId)).toEqual([{ intent_id: intent.intentId }]);
  });

  it("counts a redelivered intent as a duplicate, not a second payout", async () => {
    const intent = intentFor("m-queue-3", 10n);
    await deliver([intent]);
    await deliver([intent]);
    expect(await settler().acceptIntents([intent])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await settlerRows("SELECT COUNT(*) AS n FROM intents WHERE intent_id = ?", intent.intentId)).toEqual([{ n: 1 }]);
  });
});
