/**
 * Applies an actor's schema steps in order, once each: the object records how many it ran. Append a
 * step to change a schema; never edit a step that has shipped (objects already ran it).
 */
export function applySchemaSteps(sql: SqlStorage, steps: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  for (let step = current; step < steps.length; step++) sql.exec(steps[step]);
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", steps.length);
  else if (current < steps.length) sql.exec("UPDATE schema_version SET version = ?", steps.length);
}
