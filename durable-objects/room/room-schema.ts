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
];

export function applyRoomSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, roomSchemaSteps);
}
