import type { AttemptRow, BatchRow, SettlerStore } from "./settler-store";

/** The most chain settlements one page lists. */
export const chainSettlementsPageMax = 100;

export type ChainSettlementView = {
  batchId: number;
  settlementId: number | null;
  state: BatchRow["state"];
  transactions: { hash: string; nonce: number; settlementId: number; maxFeePerGas: string; maxPriorityFeePerGas: string; sentAtMs: number | null; lastError: string | null }[];
  finalTxHash: string | null;
  gasUsed: number | null;
  blockNumber: number | null;
  recipientCount: number;
  programRecipientCount: number;
  totalTokenAmount: string;
  programTokenAmount: string;
  createdAtMs: number;
  finalAtMs: number | null;
  abandonedReason: string | null;
};

/** A program's chain settlements, newest first, before the cursor (a batch id). */
export function chainSettlementsPage(store: SettlerStore, programId: string, beforeBatchId: number | null, limit: number): { items: ChainSettlementView[]; nextCursor: number | null } {
  const size = Math.max(1, Math.min(limit, chainSettlementsPageMax));
  const rows = store.all<BatchRow & { program_recipients: number; program_amount: string }>(
    `SELECT b.*, (SELECT COUNT(DISTINCT lower(address)) FROM intents WHERE batch_id = b.batch_id AND program_id = ?1) AS program_recipients,
            (SELECT group_concat(token_amount) FROM intents WHERE batch_id = b.batch_id AND program_id = ?1) AS program_amount
     FROM batches b WHERE EXISTS (SELECT 1 FROM intents i WHERE i.batch_id = b.batch_id AND i.program_id = ?1) AND b.batch_id < ?2
     ORDER BY b.batch_id DESC LIMIT ?3`,
    programId, beforeBatchId ?? Number.MAX_SAFE_INTEGER, size + 1,
  );
  const items = rows.slice(0, size).map((row) => ({
    batchId: row.batch_id,
    settlementId: row.settlement_id,
    state: row.state,
    transactions: store.attempts(row.batch_id).map((attempt: AttemptRow) => ({
      hash: attempt.hash,
      nonce: attempt.nonce,
      settlementId: attempt.settlement_id,
      maxFeePerGas: attempt.max_fee_per_gas,
      maxPriorityFeePerGas: attempt.max_priority_fee_per_gas,
      sentAtMs: attempt.sent_at_ms,
      lastError: attempt.last_error,
    })),
    finalTxHash: row.final_hash,
    gasUsed: row.gas_used,
    blockNumber: row.block_number,
    recipientCount: row.recipient_count,
    programRecipientCount: row.program_recipients,
    totalTokenAmount: row.total_amount,
    // Summed here: SQLite's integers stop at 2^63, token base units do not.
    programTokenAmount: (row.program_amount ?? "").split(",").filter(Boolean).reduce((sum, amount) => sum + BigInt(amount), 0n).toString(),
    createdAtMs: row.created_at_ms,
    finalAtMs: row.final_at_ms,
    abandonedReason: row.abandoned_reason,
  }));
  return { items, nextCursor: rows.length > size ? items.at(-1)!.batchId : null };
}

export type ReconciliationView = {
  runId: number;
  scope: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  membersChecked: number;
  membersUnreachable: number;
  differences: { kind: "member" | "batch"; memberId: string | null; chainPlusUnsettled: string | null; ledger: string | null; onChain: string | null; unsettled: string | null; settlementIds: number[]; detail: string | null; atMs: number }[];
};

/** The most differences one reconciliation view shows. */
export const reconciliationDifferencesMax = 200;

/**
 * The latest reconciliation run (the cron's run over every member, or a settlement's own run), with its
 * differences; given a program, only the differences of its members and of settlements that paid them.
 */
export function lastReconciliation(store: SettlerStore, programId: string | null = null): ReconciliationView | null {
  const run = store.one<{ run_id: number; scope: string; started_at_ms: number; finished_at_ms: number | null; members_checked: number; members_unreachable: number }>(
    "SELECT * FROM reconciliation_runs ORDER BY run_id DESC LIMIT 1",
  );
  if (!run) return null;
  const differences = store.all<{ kind: "member" | "batch"; member_id: string | null; chain_plus_unsettled: string | null; ledger: string | null; on_chain: string | null; unsettled: string | null; settlement_ids: string; detail: string | null; at_ms: number }>(
    `SELECT * FROM reconciliation_differences d WHERE run_id = ?1 AND (?2 IS NULL
       OR (d.kind = 'member' AND EXISTS (SELECT 1 FROM intents WHERE member_id = d.member_id AND program_id = ?2))
       OR (d.kind = 'batch' AND EXISTS (SELECT 1 FROM batches b JOIN intents i ON i.batch_id = b.batch_id WHERE b.settlement_id = json_extract(d.settlement_ids, '$[0]') AND i.program_id = ?2)))
     ORDER BY rowid LIMIT ?3`,
    run.run_id, programId, reconciliationDifferencesMax,
  );
  return {
    runId: run.run_id,
    scope: run.scope,
    startedAtMs: run.started_at_ms,
    finishedAtMs: run.finished_at_ms,
    membersChecked: run.members_checked,
    membersUnreachable: run.members_unreachable,
    differences: differences.map((row) => ({
      kind: row.kind,
      memberId: row.member_id,
      chainPlusUnsettled: row.chain_plus_unsettled,
      ledger: row.ledger,
      onChain: row.on_chain,
      unsettled: row.unsettled,
      settlementIds: JSON.parse(row.settlement_ids) as number[],
      detail: row.detail,
      atMs: row.at_ms,
    })),
  };
}

/** The most intents one lookup of their transactions takes (a SQL statement binds at most 100 values). */
export const payoutTransactionsMax = 50;

/**
 * The transaction each intent last went out in, if it has been sent: what a member's page shows for a
 * payout on its way (the final hash once final; until then the newest attempt, which a replacement may still change).
 */
export function payoutTransactions(store: SettlerStore, intentIds: readonly string[]): Record<string, string> {
  const ids = intentIds.slice(0, payoutTransactionsMax);
  if (ids.length === 0) return {};
  const rows = store.all<{ intent_id: string; hash: string | null }>(
    `SELECT i.intent_id, COALESCE(b.final_hash, (SELECT a.hash FROM attempts a WHERE a.batch_id = b.batch_id ORDER BY a.created_at_ms DESC, a.rowid DESC LIMIT 1)) AS hash
     FROM intents i JOIN batches b ON b.batch_id = i.batch_id
     WHERE i.intent_id IN (${ids.map(() => "?").join(",")}) AND b.state != 'abandoned'`,
    ...ids,
  );
  return Object.fromEntries(rows.filter((row) => row.hash !== null).map((row) => [row.intent_id, row.hash!]));
}
