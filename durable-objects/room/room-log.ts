/**
 * The room's sequenced changes: every accepted change is appended with the next sequence number in
 * the turn that makes it, so a socket that reconnects with its last sequence number gets exactly
 * what it missed, or a fresh snapshot when more than the log keeps went by.
 */

/** Changes kept for catching up; a socket further behind gets a snapshot instead. */
export const roomLogKeptMax = 1_000;

type LogRow = { seq: number; payload: string };

/** Appends changes with the next sequence numbers; answers the range they got. */
export function appendChanges(sql: SqlStorage, changes: readonly object[], nowMs: number): { fromSeq: number; toSeq: number } | null {
  if (changes.length === 0) return null;
  const before = sql.exec<{ seq: number }>("SELECT seq FROM room WHERE id = 1").one().seq;
  changes.forEach((change, index) => sql.exec("INSERT INTO room_events (seq, payload, at_ms) VALUES (?, ?, ?)", before + index + 1, JSON.stringify(change), nowMs));
  const toSeq = before + changes.length;
  sql.exec("UPDATE room SET seq = ? WHERE id = 1", toSeq);
  sql.exec("DELETE FROM room_events WHERE seq <= ?", toSeq - roomLogKeptMax);
  return { fromSeq: before + 1, toSeq };
}

/** The changes after `afterSeq`, or null when some of them are no longer kept (the caller sends a snapshot). */
export function changesAfter<Change>(sql: SqlStorage, afterSeq: number): { seq: number; changes: Change[] } | null {
  const current = sql.exec<{ seq: number }>("SELECT seq FROM room WHERE id = 1").one().seq;
  if (afterSeq > current) return null;
  if (afterSeq === current) return { seq: current, changes: [] };
  const rows = sql.exec<LogRow>("SELECT seq, payload FROM room_events WHERE seq > ? ORDER BY seq", afterSeq).toArray();
  if (rows.length !== current - afterSeq) return null;
  return { seq: current, changes: rows.map((row) => JSON.parse(row.payload) as Change) };
}
