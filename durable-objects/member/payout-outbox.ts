import type { LedgerStore } from "./ledger-store";

/** A Queue batch holds at most 100 messages (§9): one send per alarm run at most that many. */
export const payoutDeliveryBatchMax = 100;
const retryBaseMs = 5_000;
const retryMaxMs = 10 * 60_000;

/** When the payout outbox next has an intent to send (null: empty). */
export function nextPayoutDeliveryMs(store: LedgerStore): number | null {
  return store.db.one<{ at: number | null }>("SELECT MIN(next_at_ms) AS at FROM payout_outbox")?.at ?? null;
}

/**
 * Sends the payout intents that are due to the settlement Queue, at least once: a row goes only
 * after the Queue took it, and a failed send is retried with backoff (the ChainSettler dedupes by
 * intent id). Never a best-effort call: the intent and the reserved points committed together.
 */
export async function deliverPayoutIntents(store: LedgerStore, queue: Queue, nowMs: number): Promise<number> {
  const rows = store.db.all<{ intent_id: string; payload: string; attempts: number }>(
    "SELECT intent_id, payload, attempts FROM payout_outbox WHERE next_at_ms <= ? ORDER BY rowid LIMIT ?",
    nowMs,
    payoutDeliveryBatchMax,
  );
  if (rows.length === 0) return 0;
  try {
    await queue.sendBatch(rows.map((row) => ({ body: JSON.parse(row.payload) as unknown })));
  } catch (error) {
    // One statement per row: a Durable Object's SQL takes at most 100 bound values per statement.
    for (const row of rows) store.db.run("UPDATE payout_outbox SET attempts = attempts + 1, next_at_ms = ? WHERE intent_id = ?", nowMs + Math.min(retryBaseMs * 2 ** (row.attempts + 1), retryMaxMs), row.intent_id);
    throw error;
  }
  for (const row of rows) store.db.run("DELETE FROM payout_outbox WHERE intent_id = ?", row.intent_id);
  return rows.length;
}
