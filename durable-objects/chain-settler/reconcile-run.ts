import { type MemberLedger, type SettlerIntent, mintDifferences, reconcileMember, splitMinted } from "../../domain/token-settlement/reconciliation";
import type { PayoutLedger } from "./member-payouts";
import type { SettlerStore } from "./settler-store";

/** Members asked at once during a reconciliation page: a bound on the fan-out of member calls. */
const memberCallsAtOnceMax = 20;

export function openRun(store: SettlerStore, scope: string, nowMs: number): number {
  return store.one<{ run_id: number }>("INSERT INTO reconciliation_runs (scope, started_at_ms) VALUES (?, ?) RETURNING run_id", scope, nowMs)!.run_id;
}

export function closeRun(store: SettlerStore, runId: number, nowMs: number): void {
  store.run("UPDATE reconciliation_runs SET finished_at_ms = ? WHERE run_id = ?", nowMs, runId);
}

/**
 * A final batch's receipt against its payload: every address whose `Transfer(0x0 → address)` sum is
 * not the batch's net amount is a difference, reported with the settlement id.
 */
export function checkBatchMints(store: SettlerStore, runId: number, batchId: number, settlementId: number, nowMs: number): number {
  const expected = new Map(store.all<{ address: string; amount: string }>("SELECT lower(address) AS address, token_amount AS amount FROM intents WHERE batch_id = ?", batchId).reduce((sums, row) => sums.set(row.address, (sums.get(row.address) ?? 0n) + BigInt(row.amount)), new Map<string, bigint>()));
  const minted = new Map(store.all<{ address: string; amount: string }>("SELECT address, amount FROM minted WHERE batch_id = ?", batchId).map((row) => [row.address, BigInt(row.amount)] as const));
  const differences = mintDifferences(expected, minted);
  for (const difference of differences) {
    const detail = `settlement ${settlementId} minted ${difference.minted} to ${difference.address}; the batch meant ${difference.expected}`;
    console.error(`chain reconciliation: ${detail}`);
    store.run(
      "INSERT INTO reconciliation_differences (run_id, kind, chain_plus_unsettled, ledger, settlement_ids, detail, at_ms) VALUES (?, 'batch', ?, ?, ?, ?, ?)",
      runId, difference.minted.toString(), difference.expected.toString(), JSON.stringify([settlementId]), detail, nowMs,
    );
  }
  store.run("UPDATE reconciliation_runs SET differences = differences + ? WHERE run_id = ?", differences.length, runId);
  return differences.length;
}

/** The member's intents as the settler knows them, each final one with its share of what the chain minted. */
function settlerIntents(store: SettlerStore, memberId: string): SettlerIntent[] {
  const rows = store.all<{ intent_id: string; token_amount: string; batch_id: number | null; address: string; settlement_id: number | null; final: number }>(
    "SELECT i.intent_id, i.token_amount, i.batch_id, lower(i.address) AS address, b.settlement_id, b.state = 'final' AS final FROM intents i LEFT JOIN batches b ON b.batch_id = i.batch_id WHERE i.member_id = ?",
    memberId,
  );
  return rows.map((row) => {
    if (!row.final) return { intentId: row.intent_id, tokenAmount: BigInt(row.token_amount), finalSettlementId: null, mintedOnChain: 0n };
    const sameAddress = store.all<{ intent_id: string; token_amount: string }>("SELECT intent_id, token_amount FROM intents WHERE batch_id = ? AND lower(address) = ? ORDER BY queued_at_ms, intent_id", row.batch_id, row.address);
    const minted = BigInt(store.one<{ amount: string }>("SELECT amount FROM minted WHERE batch_id = ? AND address = ?", row.batch_id, row.address)?.amount ?? "0");
    const share = splitMinted(minted, sameAddress.map((intent) => ({ intentId: intent.intent_id, tokenAmount: BigInt(intent.token_amount) }))).get(row.intent_id) ?? 0n;
    return { intentId: row.intent_id, tokenAmount: BigInt(row.token_amount), finalSettlementId: row.settlement_id, mintedOnChain: share };
  });
}

/** Reconciles these members under the run: a member that does not answer is counted, not guessed. */
export async function reconcileMembers(store: SettlerStore, payouts: (memberId: string) => PayoutLedger, runId: number, memberIds: readonly string[], nowMs: number): Promise<number> {
  let differences = 0;
  for (let start = 0; start < memberIds.length; start += memberCallsAtOnceMax) {
    const page = memberIds.slice(start, start + memberCallsAtOnceMax);
    const ledgers = await Promise.all(page.map((memberId) => payouts(memberId).tokenPayoutLedger().then((ledger) => ledger, (error: unknown) => ({ error }))));
    page.forEach((memberId, index) => {
      const answer = ledgers[index];
      if ("error" in answer) {
        store.run("UPDATE reconciliation_runs SET members_unreachable = members_unreachable + 1 WHERE run_id = ?", runId);
        return;
      }
      const ledger: MemberLedger = {
        reservedTokenAmount: BigInt(answer.reservedTokenAmount),
        settledTokenAmount: BigInt(answer.settledTokenAmount),
        reserved: answer.reserved.map((intent) => ({ intentId: intent.intentId, tokenAmount: BigInt(intent.tokenAmount) })),
      };
      const difference = reconcileMember(memberId, settlerIntents(store, memberId), ledger);
      store.run("UPDATE reconciliation_runs SET members_checked = members_checked + 1, differences = differences + ? WHERE run_id = ?", difference ? 1 : 0, runId);
      if (!difference) return;
      differences++;
      const detail = `member ${memberId}: chain ${difference.onChain} + unsettled ${difference.unsettled} = ${difference.chainPlusUnsettled}, ledger ${difference.ledger}`;
      console.error(`chain reconciliation: ${detail} (settlements ${difference.settlementIds.join(", ") || "none"})`);
      store.run(
        "INSERT INTO reconciliation_differences (run_id, kind, member_id, chain_plus_unsettled, ledger, on_chain, unsettled, settlement_ids, detail, at_ms) VALUES (?, 'member', ?, ?, ?, ?, ?, ?, ?, ?)",
        runId, memberId, difference.chainPlusUnsettled.toString(), difference.ledger.toString(), difference.onChain.toString(), difference.unsettled.toString(), JSON.stringify(difference.settlementIds), detail, nowMs,
      );
    });
  }
  return differences;
}

/** The cron's run over every member the settler knows, a page at a time from a persisted cursor. */
export async function reconcileAllPages(store: SettlerStore, payouts: (memberId: string) => PayoutLedger, nowMs: number, pageSize: number, pagesMax: number): Promise<{ runId: number; finished: boolean }> {
  const open = store.one<{ run_id: number; cursor: string | null }>("SELECT run_id, cursor FROM reconciliation_runs WHERE scope = 'all' AND finished_at_ms IS NULL ORDER BY run_id DESC LIMIT 1");
  const runId = open?.run_id ?? openRun(store, "all", nowMs);
  let cursor = open?.cursor ?? "";
  for (let page = 0; page < pagesMax; page++) {
    const members = store.all<{ member_id: string }>("SELECT DISTINCT member_id FROM intents WHERE member_id > ? ORDER BY member_id LIMIT ?", cursor, pageSize).map((row) => row.member_id);
    if (members.length === 0) {
      closeRun(store, runId, nowMs);
      return { runId, finished: true };
    }
    await reconcileMembers(store, payouts, runId, members, nowMs);
    cursor = members.at(-1)!;
    store.run("UPDATE reconciliation_runs SET cursor = ? WHERE run_id = ?", cursor, runId);
  }
  return { runId, finished: false };
}
