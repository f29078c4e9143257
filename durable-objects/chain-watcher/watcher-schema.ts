import { applySchemaSteps } from "../schema-steps";

/**
 * The ChainWatcher's storage. `blocks`: the hashes of processed blocks (the newest `blocksKeptMax`), the
 * reorg detector's memory. `cursor`: the last block read. `transfers`: each Transfer log applied, keyed by
 * (block hash, log index), so a re-read applies nothing twice and a reorg knows what to reverse.
 * `holdings`: per-address figures (base units as decimal strings), each change bumping `version`;
 * `unpublished`: addresses whose figures D1 has not yet taken (cleared only at the version written).
 */
const steps = [
  `CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL)`,
  `CREATE TABLE cursor (id INTEGER PRIMARY KEY CHECK (id = 1), number INTEGER NOT NULL, hash TEXT NOT NULL)`,
  `CREATE TABLE transfers (block_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL, tx_hash TEXT NOT NULL,
     from_address TEXT NOT NULL, to_address TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (block_hash, log_index))`,
  `CREATE INDEX transfers_block_idx ON transfers (block_number)`,
  `CREATE TABLE holdings (address TEXT PRIMARY KEY, balance TEXT NOT NULL, received TEXT NOT NULL, sent TEXT NOT NULL,
     transfers INTEGER NOT NULL, as_of_block INTEGER NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE unpublished (address TEXT PRIMARY KEY, version INTEGER NOT NULL)`,
  `CREATE TABLE reorg_reports (id INTEGER PRIMARY KEY AUTOINCREMENT, detected_at_ms INTEGER NOT NULL, kind TEXT NOT NULL, depth INTEGER NOT NULL,
     ancestor_block INTEGER, first_block INTEGER NOT NULL, last_block INTEGER NOT NULL, blocks TEXT NOT NULL, transfers_reversed INTEGER NOT NULL,
     resolved_at_ms INTEGER)`,
  `CREATE TABLE alarm_state (id INTEGER PRIMARY KEY CHECK (id = 1), polls INTEGER NOT NULL)`,
] as const;

export function applyWatcherSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, steps);
}
