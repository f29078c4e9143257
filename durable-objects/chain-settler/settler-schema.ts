import { applySchemaSteps } from "../schema-steps";

/**
 * The settler's tables. An intent is queued → batched → settled or returned; a batch is
 * cut → sent → mined → final, or abandoned; every signed transaction is an attempt row written
 * before it is broadcast (persist, then send); a member hears of a final or abandoned batch through
 * a delivery row retried until it lands.
 */
const steps = [
  `CREATE TABLE intents (
    intent_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, program_id TEXT NOT NULL, address TEXT NOT NULL,
    points INTEGER NOT NULL, token_amount TEXT NOT NULL, cut_at_ms INTEGER NOT NULL, payload TEXT NOT NULL,
    state TEXT NOT NULL, batch_id INTEGER, queued_at_ms INTEGER NOT NULL)`,
  "CREATE INDEX intents_by_state ON intents (state, queued_at_ms)",
  "CREATE INDEX intents_by_member ON intents (member_id)",
  "CREATE INDEX intents_by_batch ON intents (batch_id, program_id)",
  `CREATE TABLE batches (
    batch_id INTEGER PRIMARY KEY AUTOINCREMENT, settlement_id INTEGER, state TEXT NOT NULL,
    recipients TEXT NOT NULL, recipient_count INTEGER NOT NULL, total_amount TEXT NOT NULL,
    nonce INTEGER, from_block INTEGER, gas_limit INTEGER NOT NULL, gas_used INTEGER, block_number INTEGER, final_hash TEXT,
    last_step TEXT, retry_at_ms INTEGER NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL,
    final_at_ms INTEGER, abandoned_reason TEXT)`,
  "CREATE INDEX batches_by_state ON batches (state)",
  `CREATE TABLE attempts (
    hash TEXT PRIMARY KEY, batch_id INTEGER NOT NULL, settlement_id INTEGER NOT NULL, nonce INTEGER NOT NULL,
    raw TEXT NOT NULL, max_fee_per_gas TEXT NOT NULL, max_priority_fee_per_gas TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL, sent_at_ms INTEGER, last_error TEXT, last_error_message TEXT)`,
  "CREATE INDEX attempts_by_batch ON attempts (batch_id, nonce)",
  `CREATE TABLE deliveries (
    intent_id TEXT NOT NULL, kind TEXT NOT NULL, member_id TEXT NOT NULL, settlement_id INTEGER, tx_hash TEXT,
    reason TEXT, created_at_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at_ms INTEGER NOT NULL,
    delivered_at_ms INTEGER, outcome TEXT, last_error TEXT, PRIMARY KEY (intent_id, kind))`,
  "CREATE INDEX deliveries_due ON deliveries (delivered_at_ms, next_at_ms)",
  "CREATE TABLE minted (batch_id INTEGER NOT NULL, address TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (batch_id, address))",
  `CREATE TABLE duplicate_intents (intent_id TEXT NOT NULL, payload TEXT NOT NULL, at_ms INTEGER NOT NULL)`,
  `CREATE TABLE reconciliation_runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, started_at_ms INTEGER NOT NULL,
    finished_at_ms INTEGER, cursor TEXT, members_checked INTEGER NOT NULL DEFAULT 0,
    members_unreachable INTEGER NOT NULL DEFAULT 0, differences INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE reconciliation_differences (
    run_id INTEGER NOT NULL, kind TEXT NOT NULL, member_id TEXT, chain_plus_unsettled TEXT, ledger TEXT,
    on_chain TEXT, unsettled TEXT, settlement_ids TEXT NOT NULL, detail TEXT, at_ms INTEGER NOT NULL)`,
  "CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), timing TEXT NOT NULL)",
] as const;

export function applySettlerSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, steps);
}
