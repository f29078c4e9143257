import type { EventChange, EventView } from "./frames";
import { type PollCommand, type PollEvent, type PollsState, decidePoll, evolvePolls } from "./polls";
import { type QuestionCommand, type QuestionEvent, type QuestionsState, decideQuestion, evolveQuestions, visibleQuestions } from "./questions";
import { type RegistrationCommand, type RegistrationEvent, type RegistrationState, decideRegistration, evolveRegistration, registrationCounts } from "./registration";

/** A live event's whole state: its seats, its Q&A board and its polls. */
export type EventState = { registration: RegistrationState; questions: QuestionsState; polls: PollsState };
export type EventCommand = RegistrationCommand | QuestionCommand | PollCommand;
export type EventEvent = RegistrationEvent | QuestionEvent | PollEvent;
export type EventRejection = { ok: false; status: 403 | 404 | 409 | 422 | 429; code: string; message: string };
export type EventDecision = { ok: true; events: EventEvent[] } | EventRejection;

/** The window in which the event is live: from its start for its length. */
export type EventWindow = { startsAtMs: number; endsAtMs: number };

const registrationTypes: readonly string[] = ["register", "cancel"];
const questionTypes: readonly string[] = ["ask", "upvote", "answer", "hide"];

/** One `decide` for the event: registrations close when it ends; Q&A and polls are open until then. */
export function decideEvent(state: EventState, window: EventWindow, command: EventCommand, nowMs: number): EventDecision {
  if (nowMs >= window.endsAtMs && command.type !== "cancel") return { ok: false, status: 409, code: "event_ended", message: "This event has ended" };
  if (registrationTypes.includes(command.type)) return decideRegistration(state.registration, command as RegistrationCommand, nowMs);
  if (questionTypes.includes(command.type)) return decideQuestion(state.questions, command as QuestionCommand, nowMs);
  return decidePoll(state.polls, command as PollCommand, nowMs);
}

export function evolveEvent(state: EventState, event: EventEvent): EventState {
  switch (event.type) {
    case "registered":
    case "waitlisted":
    case "registration_cancelled":
    case "waitlist_left":
    case "promoted":
      return { ...state, registration: evolveRegistration(state.registration, event) };
    case "question_asked":
    case "question_upvoted":
    case "question_answered":
    case "question_hidden":
      return { ...state, questions: evolveQuestions(state.questions, event) };
    case "poll_opened":
    case "poll_closed":
    case "poll_voted":
      return { ...state, polls: evolvePolls(state.polls, event) };
  }
}

/**
 * What every socket hears of accepted events, given the state after them: registration changes
 * become one `counts` change; a vote becomes the poll's new tallies (never who voted what).
 */
export function publicChanges(events: readonly EventEvent[], after: EventState): EventChange[] {
  const changes: EventChange[] = [];
  for (const event of events) {
    switch (event.type) {
      case "question_asked":
        changes.push({ type: "question_asked", question: event.question });
        break;
      case "question_upvoted":
        changes.push({ type: "question_upvoted", questionId: event.questionId, votes: event.votes });
        break;
      case "question_answered":
      case "question_hidden":
        changes.push({ type: event.type, questionId: event.questionId });
        break;
      case "poll_opened":
        changes.push({ type: "poll_opened", poll: event.poll });
        break;
      case "poll_closed":
        changes.push({ type: "poll_closed", pollId: event.pollId, atMs: event.atMs });
        break;
      case "poll_voted":
        changes.push({ type: "poll_tallied", pollId: event.pollId, tallies: after.polls.polls.find((poll) => poll.id === event.pollId)!.tallies });
        break;
    }
  }
  if (events.some((event) => registrationEventTypes.has(event.type))) changes.push({ type: "counts", counts: registrationCounts(after.registration) });
  return changes;
}

const registrationEventTypes = new Set(["registered", "waitlisted", "registration_cancelled", "waitlist_left", "promoted"]);

export function eventView(state: EventState, window: EventWindow, nowMs: number): EventView {
  const status = nowMs < window.startsAtMs ? "upcoming" : nowMs < window.endsAtMs ? "live" : "ended";
  return {
    status,
    hostId: state.registration.hostId,
    startsAtMs: window.startsAtMs,
    endsAtMs: window.endsAtMs,
    counts: registrationCounts(state.registration),
    questions: visibleQuestions(state.questions),
    polls: state.polls.polls,
  };
}
