import type { EventEvent, EventState } from "../../domain/events/event-state";
import { initialPollsState } from "../../domain/events/polls";
import type { Poll } from "../../domain/events/polls";
import type { Question, QuestionsState } from "../../domain/events/questions";
import { type RegistrationState, type Seat, compareWaitEntries } from "../../domain/events/registration";

/**
 * The Event actor's state as rows: `writeEvent` records one accepted event (inside the transaction
 * that accepts it), `loadEventState` rebuilds the memory from the rows when the actor wakes.
 */

export type EventRow = {
  event_id: string;
  program_id: string;
  program_config: string;
  host_member_id: string;
  starts_at_ms: number;
  ends_at_ms: number;
  capacity: number;
  overflow_seats: number;
  overflow_tier_rank: number;
  min_tier_rank: number;
  has_audio: number;
  seq: number;
};

export function writeEvent(sql: SqlStorage, event: EventEvent, after: EventState): void {
  switch (event.type) {
    case "registered":
      sql.exec("INSERT INTO registrations (member_id, tier_rank, status, seat, at_ms) VALUES (?, ?, 'registered', ?, ?)", event.memberId, event.tierRank, event.seat, event.atMs);
      return;
    case "waitlisted":
      sql.exec("INSERT INTO registrations (member_id, tier_rank, status, seat, at_ms) VALUES (?, ?, 'waitlisted', NULL, ?)", event.memberId, event.tierRank, event.atMs);
      return;
    case "registration_cancelled":
    case "waitlist_left":
      sql.exec("DELETE FROM registrations WHERE member_id = ?", event.memberId);
      sql.exec("INSERT INTO cancellations (member_id, count) VALUES (?, 1) ON CONFLICT (member_id) DO UPDATE SET count = count + 1", event.memberId);
      return;
    case "promoted":
      sql.exec("UPDATE registrations SET status = 'registered', seat = ?, at_ms = ? WHERE member_id = ?", event.seat, event.atMs, event.memberId);
      // The member is told: a notice in the event's outbox, in the same transaction (a notification system reads it later).
      sql.exec("INSERT INTO notices (member_id, kind, payload, created_at_ms) VALUES (?, 'promoted', ?, ?)", event.memberId, JSON.stringify({ seat: event.seat }), event.atMs);
      return;
    case "question_asked": {
      const q = event.question;
      sql.exec("INSERT INTO questions (id, asker_id, asker_tier_rank, text, at_ms, votes, status) VALUES (?, ?, ?, ?, ?, ?, ?)", q.id, q.askerId, q.askerTierRank, q.text, q.atMs, q.votes, q.status);
      return;
    }
    case "question_upvoted":
      sql.exec("INSERT INTO question_votes (question_id, member_id) VALUES (?, ?)", event.questionId, event.by);
      sql.exec("UPDATE questions SET votes = ? WHERE id = ?", event.votes, event.questionId);
      return;
    case "question_answered":
      sql.exec("UPDATE questions SET status = 'answered' WHERE id = ?", event.questionId);
      return;
    case "question_hidden":
      sql.exec("UPDATE questions SET status = 'hidden' WHERE id = ?", event.questionId);
      return;
    case "poll_opened": {
      const p = event.poll;
      sql.exec("INSERT INTO polls (id, question, options, multiple, status, tallies, opened_at_ms, closed_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", p.id, p.question, JSON.stringify(p.options), p.multiple ? 1 : 0, p.status, JSON.stringify(p.tallies), p.openedAtMs);
      return;
    }
    case "poll_closed":
      sql.exec("UPDATE polls SET status = 'closed', closed_at_ms = ? WHERE id = ?", event.atMs, event.pollId);
      return;
    case "poll_voted": {
      const tallies = after.polls.polls.find((poll) => poll.id === event.pollId)!.tallies;
      sql.exec("INSERT INTO poll_votes (poll_id, member_id, choices) VALUES (?, ?, ?) ON CONFLICT (poll_id, member_id) DO UPDATE SET choices = excluded.choices", event.pollId, event.by, JSON.stringify(event.choices));
      sql.exec("UPDATE polls SET tallies = ? WHERE id = ?", JSON.stringify(tallies), event.pollId);
      return;
    }
  }
}

type RegistrationRow = { member_id: string; tier_rank: number; status: string; seat: Seat | null; at_ms: number };
type QuestionRow = { id: number; asker_id: string; asker_tier_rank: number; text: string; at_ms: number; votes: number; status: Question["status"] };
type PollRow = { id: number; question: string; options: string; multiple: number; status: Poll["status"]; tallies: string; opened_at_ms: number; closed_at_ms: number | null };

export function loadEventState(sql: SqlStorage, row: EventRow): EventState {
  const rows = sql.exec<RegistrationRow>("SELECT * FROM registrations ORDER BY at_ms, member_id").toArray();
  const registration: RegistrationState = {
    capacity: row.capacity,
    overflowSeats: row.overflow_seats,
    overflowTierRank: row.overflow_tier_rank,
    minTierRank: row.min_tier_rank,
    hostId: row.host_member_id,
    registered: rows.filter((entry) => entry.status === "registered").map((entry) => ({ memberId: entry.member_id, tierRank: entry.tier_rank, seat: entry.seat!, atMs: entry.at_ms })),
    waitlist: rows
      .filter((entry) => entry.status === "waitlisted")
      .map((entry) => ({ memberId: entry.member_id, tierRank: entry.tier_rank, atMs: entry.at_ms }))
      .sort(compareWaitEntries),
  };
  const questionRows = sql.exec<QuestionRow>("SELECT * FROM questions ORDER BY id").toArray();
  const questions: QuestionsState = {
    hostId: row.host_member_id,
    questions: questionRows.map((q) => ({ id: q.id, askerId: q.asker_id, askerTierRank: q.asker_tier_rank, text: q.text, atMs: q.at_ms, votes: q.votes, status: q.status })),
    lastAskedAtMs: Object.fromEntries(questionRows.map((q) => [q.asker_id, q.at_ms])),
  };
  const polls = {
    ...initialPollsState(row.host_member_id),
    polls: sql
      .exec<PollRow>("SELECT * FROM polls ORDER BY id")
      .toArray()
      .map((p) => ({ id: p.id, question: p.question, options: JSON.parse(p.options) as string[], multiple: p.multiple === 1, status: p.status, tallies: JSON.parse(p.tallies) as number[], openedAtMs: p.opened_at_ms, closedAtMs: p.closed_at_ms })),
  };
  return { registration, questions, polls };
}

/** The member's own upvotes and poll choices (the `mine` frame). */
export function memberMarks(sql: SqlStorage, memberId: string) {
  const upvoted = sql.exec<{ question_id: number }>("SELECT question_id FROM question_votes WHERE member_id = ? ORDER BY question_id", memberId).toArray().map((r) => r.question_id);
  const votes = sql
    .exec<{ poll_id: number; choices: string }>("SELECT poll_id, choices FROM poll_votes WHERE member_id = ? ORDER BY poll_id", memberId)
    .toArray()
    .map((r) => ({ pollId: r.poll_id, choices: JSON.parse(r.choices) as number[] }));
  return { upvoted, votes };
}

export function cancellationsOf(sql: SqlStorage, memberId: string): number {
  return sql.exec<{ count: number }>("SELECT count FROM cancellations WHERE member_id = ?", memberId).toArray()[0]?.count ?? 0;
}

export function hasUpvoted(sql: SqlStorage, questionId: number, memberId: string): boolean {
  return sql.exec("SELECT 1 AS voted FROM question_votes WHERE question_id = ? AND member_id = ?", questionId, memberId).toArray().length > 0;
}

export function currentChoices(sql: SqlStorage, pollId: number, memberId: string): number[] | null {
  const row = sql.exec<{ choices: string }>("SELECT choices FROM poll_votes WHERE poll_id = ? AND member_id = ?", pollId, memberId).toArray()[0];
  return row ? (JSON.parse(row.choices) as number[]) : null;
}

export function noticesFor(sql: SqlStorage, memberId: string) {
  return sql
    .exec<{ id: number; kind: string; payload: string; created_at_ms: number }>("SELECT id, kind, payload, created_at_ms FROM notices WHERE member_id = ? ORDER BY id DESC LIMIT 20", memberId)
    .toArray()
    .map((r) => ({ id: r.id, kind: r.kind, ...(JSON.parse(r.payload) as object), at: new Date(r.created_at_ms).toISOString() }));
}
