import { applySchemaSteps } from "../schema-steps";

/** The Room actor's SQLite tables, applied in order once per object. Append a step; never edit a shipped one. */
export const roomSchemaSteps: readonly string[] = [
  // TRTC presence callbacks, once each by their natural id (TRTC retries for about a minute).
  `CREATE TABLE trtc_events (
     event_key TEXT PRIMARY KEY,
     event_type INTEGER NOT NULL,
     user_id TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     reason INTEGER,
     role INTEGER,
     received_at_ms INTEGER NOT NULL
   );
   CREATE INDEX trtc_events_user ON trtc_events (user_id, at_ms);`,
  // The AMA this room is (its program's rules, host, plan), its state as the room's rules evolve it
  // (one JSON row, rewritten in the turn that changes it), the sequenced changes a reconnecting
  // socket catches up from, each member's socket presence, and the attendance credits it owes.
  `CREATE TABLE room (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     ama_id TEXT NOT NULL,
     program_id TEXT NOT NULL,
     program_config TEXT NOT NULL,
     host_member_id TEXT NOT NULL,
     starts_at_ms INTEGER NOT NULL,
     planned_ms INTEGER NOT NULL,
     state TEXT NOT NULL,
     seq INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE room_events (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL, at_ms INTEGER NOT NULL);
   CREATE TABLE socket_presence (id INTEGER PRIMARY KEY AUTOINCREMENT, member_id TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER, last_seen_ms INTEGER NOT NULL);
   CREATE INDEX socket_presence_member ON socket_presence (member_id, start_ms);
   CREATE INDEX socket_presence_open ON socket_presence (member_id) WHERE end_ms IS NULL;
   CREATE TABLE attendance_credits (member_id TEXT PRIMARY KEY, attended_ms INTEGER NOT NULL, status TEXT NOT NULL, detail TEXT, updated_at_ms INTEGER NOT NULL);`,
  // TRTC has no server call that changes a role: a demoted, muted or removed member is blocked with
  // SetUserBlocked (a promoted or unmuted one unblocked). The calls wait here, written with the change
  // that made them, and are delivered in order until TencentCloud has taken them.
  `CREATE TABLE trtc_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, muted INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_failure TEXT, created_at_ms INTEGER NOT NULL);
   CREATE TABLE removed_members (member_id TEXT PRIMARY KEY, removed_at_ms INTEGER NOT NULL);
   CREATE TABLE pending_leaves (member_id TEXT PRIMARY KEY, leave_at_ms INTEGER NOT NULL);`,
];

export function applyRoomSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, roomSchemaSteps);
}
