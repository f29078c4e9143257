import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FakeMembers, intentFor, settler, settlerRows } from "../../test/settler";
import type { ChainSettler } from "./chain-settler";

type DeliveryRow = { intent_id: string; kind: string; attempts: number; delivered_at_ms: number | null; next_at_ms: number; last_error: string | null; outcome: string | null };

/** Marks the queued intents final in settlement `settlementId`, owing each member a confirmation (as finalising does). */
function finalizeQueued(settlementId: number) {
  return runInDurableObject(settler(), async (_instance, state) => {
    const sql = state.storage.sql;
    const now = Date.now();
    const batchId = sql.exec<{ batch_id: number }>("INSERT INTO batches (settlement_id, state, recipients, recipient_count, total_amount, gas_limit, final_hash, created_at_ms, final_at_ms) VALUES (?, 'final', '[]', 1, '1', 1, '0xabc', ?, ?) RETURNING batch_id", settlementId, now, now).one().batch_id;
    sql.exec("UPDATE intents SET state = 'settled', batch_id = ? WHERE state = 'queued'", batchId);
    sql.exec("INSERT INTO deliveries (intent_id, kind, member_id, settlement_id, tx_hash, created_at_ms, next_at_ms) SELECT intent_id, 'confirm', member_id, ?, '0xabc', ?, ? FROM intents WHERE batch_id = ?", settlementId, now, now, batchId);
    await state.storage.setAlarm(now);
  });
}

describe("telling members their payout settled", () => {
  it("keeps a confirmation the member did not take as pending, with its attempt counted and a later retry", async () => {
    const intent = intentFor("m-unreachable", 5n);
    // A member actor that does not answer (overloaded, mid-deploy): the call throws.
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const unreachable = async (): Promise<never> => {
        throw new Error("member m-unreachable did not answer");
      };
      instance.payouts = () => ({ confirmTokenPayout: unreachable, returnTokenPayout: unreachable, tokenPayoutLedger: unreachable });
    });
    await settler().acceptIntents([intent]);
    await finalizeQueued(1);
    await runDurableObjectAlarm(settler());
    const [row] = await settlerRows<DeliveryRow>("SELECT * FROM deliveries WHERE intent_id = ?", intent.intentId);
    expect(row).toMatchObject({ kind: "confirm", attempts: 1, delivered_at_ms: null, outcome: null });
    expect(row.last_error).not.toBeNull();
    expect(row.next_at_ms).toBeGreaterThan(Date.now());
    expect((await settler().status()).pendingDeliveries).toBeGreaterThanOrEqual(1);
  });

  it("delivers each confirmation once the member answers, and never again", async () => {
    const members = new FakeMembers();
    const intent = members.reserve(intentFor("m-reachable", 7n));
    await members.install();
    await settler().acceptIntents([intent]);
    await finalizeQueued(2);
    await runDurableObjectAlarm(settler());
    await runInDurableObject(settler(), (_instance, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(settler());
    expect(await settlerRows<DeliveryRow>("SELECT intent_id, attempts, outcome FROM deliveries WHERE intent_id = ?", intent.intentId)).toEqual([{ intent_id: intent.intentId, attempts: 1, outcome: "settled" }]);
    expect(members.confirmed).toEqual([intent.intentId]);
  });
});
