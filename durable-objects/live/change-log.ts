/**
 * A live actor's sequenced changes (the Room's and the Event's): every accepted change is appended
 * with the next sequence number in the turn that makes it, so a socket that reconnects with its last
 * sequence number gets exactly what it missed, or a fresh snapshot when more than the log keeps went by.
 */

/** Changes kept for catching up; a socket further behind gets a snapshot instead. */
export const changeLogKeptMax = 1_000;

/** Where an actor keeps its log: `head` is a one-row table (id = 1) with a `seq` column, `log` holds (seq, payload, at_ms). */
export type ChangeLogTables = { head: string; log: string };

type LogRow = { seq: number; payload: string };

export function currentSeq(sql: SqlStorage, tables: ChangeLogTables): number {
  return sql.exec<{ seq: number }>(`SELECT seq FROM ${tables.head} WHERE id = 1`).one().seq;
}

/** Appends changes with the next sequence numbers; answers the range they got. */
export function appendChanges(sql: SqlStorage, tables: ChangeLogTables, changes: readonly object[], nowMs: number): { fromSeq: number; toSeq: number } | null {
  if (changes.length === 0) return null;
  const before = currentSeq(sql, tables);
  changes.forEach((change, index) => sql.exec(`INSERT INTO ${tables.log} (seq, payload, at_ms) VALUES (?, ?, ?)`, before + index + 1, JSON.stringify(change), nowMs));
  const toSeq = before + changes.length;
  sql.exec(`UPDATE ${tables.head} SET seq = ? WHERE id = 1`, toSeq);
  sql.exec(`DELETE FROM ${tables.log} WHERE seq <= ?`, toSeq - changeLogKeptMax);
  return { fromSeq: before + 1, toSeq };
}

/** The changes after `afterSeq`, or null when some of them are no longer kept (the caller sends a snapshot). */
export function changesAfter<Change>(sql: SqlStorage, tables: ChangeLogTables, afterSeq: number): { seq: number; changes: Change[] } | null {
  const current = currentSeq(sql, tables);
  if (afterSeq > current) return null;
  if (afterSeq === current) return { seq: current, changes: [] };
  const rows = sql.exec<LogRow>(`SELECT seq, payload FROM ${tables.log} WHERE seq > ? ORDER BY seq`, afterSeq).toArray();
  if (rows.length !== current - afterSeq) return null;
  return { seq: current, changes: rows.map((row) => JSON.parse(row.payload) as Change) };
}
