/**
 * The Member actor's SQLite tables, applied in order once per object. Append a step to change
 * the schema; never edit a step that has shipped (objects already ran it).
 */
export const memberSchemaSteps: readonly string[] = [
  `CREATE TABLE profile (
     id TEXT PRIMARY KEY,
     program_id TEXT NOT NULL,
     external_ref TEXT,
     email TEXT,
     phone TEXT,
     birthday TEXT,
     timezone TEXT NOT NULL,
     referral_code TEXT NOT NULL,
     referred_by TEXT,
     tier TEXT NOT NULL,
     enrolled_via TEXT NOT NULL,
     enrolled_at TEXT NOT NULL
   );
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT NOT NULL,
     status INTEGER NOT NULL,
     response TEXT NOT NULL,
     created_at_ms INTEGER NOT NULL
   );
   CREATE INDEX idempotency_created ON idempotency (created_at_ms);`,
];

export function applySchema(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  for (let step = current; step < memberSchemaSteps.length; step++) sql.exec(memberSchemaSteps[step]);
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", memberSchemaSteps.length);
  else if (current < memberSchemaSteps.length) sql.exec("UPDATE schema_version SET version = ?", memberSchemaSteps.length);
}
