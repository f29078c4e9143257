import type { EventChange, EventServerFrame, EventView } from "../../../domain/events/frames";
import { compareQuestions } from "../../../domain/events/questions";

/** The page's copy of the event: the view as of `seq`, the last sequence number applied. */
export type LocalEvent = { seq: number; view: EventView };

/** One change applied to the page's view; the board's order is the event's own (`compareQuestions`). */
export function applyEventChange(view: EventView, change: EventChange): EventView {
  switch (change.type) {
    case "counts":
      return { ...view, counts: change.counts };
    case "question_asked":
      return { ...view, questions: [...view.questions.filter((question) => question.id !== change.question.id), change.question].sort(compareQuestions) };
    case "question_upvoted":
      return { ...view, questions: view.questions.map((question) => (question.id === change.questionId ? { ...question, votes: change.votes } : question)).sort(compareQuestions) };
    case "question_answered":
      return { ...view, questions: view.questions.map((question) => (question.id === change.questionId ? { ...question, status: "answered" as const } : question)) };
    case "question_hidden":
      return { ...view, questions: view.questions.filter((question) => question.id !== change.questionId) };
    case "poll_opened":
      return { ...view, polls: [...view.polls.filter((poll) => poll.id !== change.poll.id), change.poll] };
    case "poll_tallied":
      return { ...view, polls: view.polls.map((poll) => (poll.id === change.pollId ? { ...poll, tallies: change.tallies } : poll)) };
    case "poll_closed":
      return { ...view, polls: view.polls.map((poll) => (poll.id === change.pollId ? { ...poll, status: "closed" as const, closedAtMs: change.atMs } : poll)) };
  }
}

export type EventFrameOutcome = { event: LocalEvent; changed: boolean; gap: boolean };

/** A sequenced frame applied in order, as the AMA room's page does (lib/room-view.ts): a gap reconnects from `seq`. */
export function applyEventFrame(local: LocalEvent, frame: Extract<EventServerFrame, { type: "snapshot" | "events" }>): EventFrameOutcome {
  if (frame.type === "snapshot") return { event: { seq: frame.seq, view: frame.state }, changed: true, gap: false };
  if (frame.fromSeq > local.seq + 1) return { event: local, changed: false, gap: true };
  const fresh = frame.events.slice(local.seq + 1 - frame.fromSeq);
  if (fresh.length === 0) return { event: local, changed: false, gap: false };
  return { event: { seq: frame.toSeq, view: fresh.reduce(applyEventChange, local.view) }, changed: true, gap: false };
}
