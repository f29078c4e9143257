/**
 * The room's TRTC callbacks' enter/exit events. Attendance pays only where they overlap the member's
 * socket presence (durable-objects/live/socket-presence.ts, §7a): TRTC presence from a script holding
 * a UserSig, without the member's socket, counts for nothing.
 */

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
