/**
 * Each member's presence in the room as the room sees it: intervals of a live, authenticated room
 * socket (a heartbeat keeps one open; a hidden page or a silent socket closes it), and the TRTC
 * callbacks' enter/exit events. Attendance pays only where the two overlap (§7a): TRTC presence
 * from a script holding a UserSig, without the member's socket, counts for nothing.
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

/** The member's TRTC enter/exit callbacks (any arrival order; each once, by its natural id). */
export function trtcPresence(sql: SqlStorage, memberId: string): { kind: "enter" | "exit"; atMs: number }[] {
  return sql
    .exec<{ event_type: number; at_ms: number }>("SELECT event_type, at_ms FROM trtc_events WHERE user_id = ? ORDER BY at_ms", memberId)
    .toArray()
    .map((row) => ({ kind: row.event_type === 103 ? ("enter" as const) : ("exit" as const), atMs: row.at_ms }));
}

/** Members with any presence in the room, by socket or by TRTC: those whose attendance is worked out. */
export function membersSeen(sql: SqlStorage): string[] {
  return sql
    .exec<{ member_id: string }>("SELECT member_id FROM socket_presence UNION SELECT user_id AS member_id FROM trtc_events")
    .toArray()
    .map((row) => row.member_id);
}

/** Whether the room has heard any TRTC callback: without them, the socket presence alone counts (README). */
export function hasTrtcEvents(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 AS seen FROM trtc_events LIMIT 1").toArray().length > 0;
}
