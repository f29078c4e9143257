import { applySchemaSteps } from "../schema-steps";

/** The Event actor's SQLite tables, applied in order once per object. Append a step; never edit a shipped one. */
export const eventSchemaSteps: readonly string[] = [
  // The event (its program's rules, host, window, seats), the sequenced changes a reconnecting socket
  // catches up from, and one row per registration, question, vote and poll: the actor rebuilds its
  // memory from these rows when it wakes.
  `CREATE TABLE event (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     event_id TEXT NOT NULL,
     program_id TEXT NOT NULL,
     program_config TEXT NOT NULL,
     host_member_id TEXT NOT NULL,
     starts_at_ms INTEGER NOT NULL,
     ends_at_ms INTEGER NOT NULL,
     capacity INTEGER NOT NULL,
     overflow_seats INTEGER NOT NULL,
     overflow_tier_rank INTEGER NOT NULL,
     min_tier_rank INTEGER NOT NULL,
     has_audio INTEGER NOT NULL,
     seq INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE event_changes (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL, at_ms INTEGER NOT NULL);
   CREATE TABLE registrations (member_id TEXT PRIMARY KEY, tier_rank INTEGER NOT NULL, status TEXT NOT NULL, seat TEXT, at_ms INTEGER NOT NULL);
   CREATE TABLE questions (id INTEGER PRIMARY KEY, asker_id TEXT NOT NULL, asker_tier_rank INTEGER NOT NULL, text TEXT NOT NULL, at_ms INTEGER NOT NULL, votes INTEGER NOT NULL, status TEXT NOT NULL);
   CREATE TABLE question_votes (question_id INTEGER NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (question_id, member_id));
   CREATE TABLE polls (id INTEGER PRIMARY KEY, question TEXT NOT NULL, options TEXT NOT NULL, multiple INTEGER NOT NULL, status TEXT NOT NULL, tallies TEXT NOT NULL, opened_at_ms INTEGER NOT NULL, closed_at_ms INTEGER);
   CREATE TABLE poll_votes (poll_id INTEGER NOT NULL, member_id TEXT NOT NULL, choices TEXT NOT NULL, PRIMARY KEY (poll_id, member_id));
   CREATE TABLE socket_presence (id INTEGER PRIMARY KEY AUTOINCREMENT, member_id TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER, last_seen_ms INTEGER NOT NULL);
   CREATE INDEX socket_presence_member ON socket_presence (member_id, start_ms);
   CREATE INDEX socket_presence_open ON socket_presence (member_id) WHERE end_ms IS NULL;`,
  // Attendance milestones owed to members until their Member actor has taken the credit, and the
  // outbox of notices to members (a waitlisted member promoted to a seat), written with the change.
  `CREATE TABLE milestone_credits (member_id TEXT NOT NULL, minutes INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, detail TEXT, updated_at_ms INTEGER NOT NULL, PRIMARY KEY (member_id, minutes));
   CREATE TABLE notices (id INTEGER PRIMARY KEY AUTOINCREMENT, member_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
   CREATE INDEX notices_member ON notices (member_id, id);`,
  // How often each member cancelled (or left the waitlist): registering again is bounded (domain/events/registration.ts).
  `CREATE TABLE cancellations (member_id TEXT PRIMARY KEY, count INTEGER NOT NULL);`,
];

export function applyEventSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, eventSchemaSteps);
}
