/**
 * Each member's presence in a live actor (an AMA room, a live event) as the actor sees it: intervals
 * of a live, authenticated socket (a heartbeat keeps one open; a hidden page or a silent socket
 * closes it), in the actor's `socket_presence` table. Attendance counts only this time (§7a).
 */

/** A socket that has not sent a heartbeat for this long is taken as gone from its last one. */
export const heartbeatStaleMs = 60_000;

type OpenRow = { id: number; last_seen_ms: number };

/** Opens a presence interval for the member unless one is open already (a second tab adds nothing). */
export function openPresence(sql: SqlStorage, memberId: string, nowMs: number): void {
  const open = sql.exec<OpenRow>("SELECT id, last_seen_ms FROM socket_presence WHERE member_id = ? AND end_ms IS NULL", memberId).toArray();
  if (open.length > 0) {
    sql.exec("UPDATE socket_presence SET last_seen_ms = ? WHERE id = ?", nowMs, open[0].id);
    return;
  }
  sql.exec("INSERT INTO socket_presence (member_id, start_ms, end_ms, last_seen_ms) VALUES (?, ?, NULL, ?)", memberId, nowMs, nowMs);
}

/** A heartbeat: the member's open interval is still live (none is opened: a hidden page stays away until shown). */
export function touchPresence(sql: SqlStorage, memberId: string, nowMs: number): void {
  sql.exec("UPDATE socket_presence SET last_seen_ms = ? WHERE member_id = ? AND end_ms IS NULL", nowMs, memberId);
}

/** Closes the member's open interval at `nowMs` (the socket closed, the page was hidden). */
export function closePresence(sql: SqlStorage, memberId: string, nowMs: number): void {
  sql.exec("UPDATE socket_presence SET end_ms = MAX(start_ms, MIN(?, last_seen_ms + ?)) WHERE member_id = ? AND end_ms IS NULL", nowMs, heartbeatStaleMs, memberId);
}

/** Closes every interval whose socket went silent, at its last heartbeat; answers the members it closed. */
export function closeStalePresence(sql: SqlStorage, nowMs: number): string[] {
  const stale = sql.exec<{ member_id: string }>("SELECT member_id FROM socket_presence WHERE end_ms IS NULL AND last_seen_ms < ?", nowMs - heartbeatStaleMs).toArray();
  sql.exec("UPDATE socket_presence SET end_ms = last_seen_ms WHERE end_ms IS NULL AND last_seen_ms < ?", nowMs - heartbeatStaleMs);
  return stale.map((row) => row.member_id);
}

/** The member's socket intervals, an open one running to `untilMs`. */
export function socketIntervals(sql: SqlStorage, memberId: string, untilMs: number): { startMs: number; endMs: number }[] {
  return sql
    .exec<{ start_ms: number; end_ms: number | null }>("SELECT start_ms, end_ms FROM socket_presence WHERE member_id = ? ORDER BY start_ms", memberId)
    .toArray()
    .map((row) => ({ startMs: row.start_ms, endMs: row.end_ms ?? untilMs }));
}
