import type { SettlerStore } from "./settler-store";
import { type PayoutLedger, memberRpcVersion } from "./member-payouts";

type DeliveryRow = { intent_id: string; kind: "confirm" | "return"; member_id: string; settlement_id: number | null; tx_hash: string | null; reason: string | null; attempts: number };

/** Writes the deliveries a final batch owes its members (in the finalising transaction). */
export function oweConfirmations(store: SettlerStore, batchId: number, settlementId: number, txHash: string, nowMs: number): void {
  store.run(
    "INSERT OR IGNORE INTO deliveries (intent_id, kind, member_id, settlement_id, tx_hash, created_at_ms, next_at_ms) SELECT intent_id, 'confirm', member_id, ?, ?, ?, ? FROM intents WHERE batch_id = ?",
    settlementId, txHash, nowMs, nowMs, batchId,
  );
}

/** Writes the returns an abandoned batch owes its members (in the abandoning transaction). */
export function oweReturns(store: SettlerStore, batchId: number, reason: string, nowMs: number): void {
  store.run(
    "INSERT OR IGNORE INTO deliveries (intent_id, kind, member_id, reason, created_at_ms, next_at_ms) SELECT intent_id, 'return', member_id, ?, ?, ? FROM intents WHERE batch_id = ?",
    reason, nowMs, nowMs, batchId,
  );
}

/**
 * Delivers what is due, at most `limit`, each retried with a doubling wait until the member answers.
 * A member's refusal (unknown intent, already returned) is an answer too: it is recorded and logged,
 * never retried forever. Returns when the next undelivered one is due, or null.
 */
export async function deliverDue(store: SettlerStore, payouts: (memberId: string) => PayoutLedger, nowMs: number, limit: number, retryMs: number, retryMaxMs: number): Promise<number | null> {
  const due = store.all<DeliveryRow>("SELECT intent_id, kind, member_id, settlement_id, tx_hash, reason, attempts FROM deliveries WHERE delivered_at_ms IS NULL AND next_at_ms <= ? ORDER BY next_at_ms LIMIT ?", nowMs, limit);
  await Promise.all(
    due.map(async (row) => {
      try {
        const member = payouts(row.member_id);
        const answer =
          row.kind === "confirm"
            ? await member.confirmTokenPayout({ v: memberRpcVersion, intentId: row.intent_id, settlementId: row.settlement_id!, txHash: row.tx_hash!, atMs: nowMs })
            : await member.returnTokenPayout({ v: memberRpcVersion, intentId: row.intent_id, reason: row.reason ?? "abandoned", atMs: nowMs });
        const outcome = answer.ok ? answer.status : answer.code;
        if (!answer.ok) console.error(`chain settler: member ${row.member_id} refused the ${row.kind} of ${row.intent_id}: ${answer.code}`);
        store.run("UPDATE deliveries SET delivered_at_ms = ?, outcome = ?, attempts = attempts + 1, last_error = NULL WHERE intent_id = ? AND kind = ?", nowMs, outcome, row.intent_id, row.kind);
      } catch (error) {
        const wait = Math.min(retryMaxMs, retryMs * 2 ** Math.min(row.attempts, 20));
        store.run("UPDATE deliveries SET attempts = attempts + 1, next_at_ms = ?, last_error = ? WHERE intent_id = ? AND kind = ?", nowMs + wait, String(error).slice(0, 500), row.intent_id, row.kind);
      }
    }),
  );
  return store.one<{ next: number | null }>("SELECT MIN(next_at_ms) AS next FROM deliveries WHERE delivered_at_ms IS NULL")?.next ?? null;
}
