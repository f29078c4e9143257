/**
 * An event's polls (issue 22): the host opens one (single or multiple choice, 2–10 options) and
 * closes it; each member has one vote per poll and may change it while the poll is open; a closed
 * poll is final. The member's current vote is a fact the actor loads (`previous`), so the tallies
 * stay exact: a change takes the old choices off and puts the new ones on in one event.
 */

export const pollOptionsMin = 2;
export const pollOptionsMax = 10;
export const pollOptionLengthMax = 80;
export const pollQuestionLengthMax = 200;
/** Polls per event. */
export const pollsMax = 50;

export type Poll = { id: number; question: string; options: string[]; multiple: boolean; status: "open" | "closed"; tallies: number[]; openedAtMs: number; closedAtMs: number | null };
export type PollsState = { hostId: string; polls: Poll[] };

export type PollCommand =
  | { type: "open_poll"; by: string; question: string; options: string[]; multiple: boolean }
  | { type: "close_poll"; by: string; pollId: number }
  | { type: "vote"; by: string; pollId: number; choices: number[]; previous: number[] | null };

export type PollEvent =
  | { type: "poll_opened"; poll: Poll }
  | { type: "poll_closed"; pollId: number; atMs: number }
  | { type: "poll_voted"; pollId: number; by: string; choices: number[]; previous: number[] | null };

export type PollRejectionCode = "not_host" | "poll_invalid" | "too_many_polls" | "poll_not_found" | "poll_closed" | "choice_invalid";
export type PollDecision = { ok: true; events: PollEvent[] } | { ok: false; status: 403 | 404 | 409 | 422; code: PollRejectionCode; message: string };

export const initialPollsState = (hostId: string): PollsState => ({ hostId, polls: [] });

export function decidePoll(state: PollsState, command: PollCommand, nowMs: number): PollDecision {
  if (command.type === "open_poll") {
    if (command.by !== state.hostId) return reject(403, "not_host", "Only the host can open a poll");
    const question = command.question.trim();
    const options = command.options.map((option) => option.trim());
    if (question.length === 0 || question.length > pollQuestionLengthMax) return reject(422, "poll_invalid", `A poll's question has 1 to ${pollQuestionLengthMax} characters`);
    if (options.length < pollOptionsMin || options.length > pollOptionsMax) return reject(422, "poll_invalid", `A poll has ${pollOptionsMin} to ${pollOptionsMax} options; this one has ${options.length}`);
    if (options.some((option) => option.length === 0 || option.length > pollOptionLengthMax)) return reject(422, "poll_invalid", `Each option has 1 to ${pollOptionLengthMax} characters`);
    if (new Set(options).size !== options.length) return reject(422, "poll_invalid", "Two options read the same; make each one different");
    if (state.polls.length >= pollsMax) return reject(409, "too_many_polls", `An event holds ${pollsMax} polls at most`);
    const poll: Poll = { id: state.polls.length + 1, question, options, multiple: command.multiple, status: "open", tallies: options.map(() => 0), openedAtMs: nowMs, closedAtMs: null };
    return { ok: true, events: [{ type: "poll_opened", poll }] };
  }
  const poll = state.polls.find((entry) => entry.id === command.pollId);
  if (!poll) return reject(404, "poll_not_found", `No poll ${command.pollId}`);
  if (command.type === "close_poll") {
    if (command.by !== state.hostId) return reject(403, "not_host", "Only the host can close a poll");
    return { ok: true, events: poll.status === "closed" ? [] : [{ type: "poll_closed", pollId: poll.id, atMs: nowMs }] };
  }
  if (poll.status === "closed") return reject(409, "poll_closed", "This poll is closed; its result is final");
  const choices = [...new Set(command.choices)].sort((a, b) => a - b);
  if (choices.length === 0 || (!poll.multiple && choices.length > 1)) return reject(422, "choice_invalid", poll.multiple ? "Pick at least one option" : "Pick exactly one option");
  if (choices.some((choice) => !Number.isInteger(choice) || choice < 0 || choice >= poll.options.length)) return reject(422, "choice_invalid", `Options are numbered 0 to ${poll.options.length - 1}`);
  if (command.previous && sameChoices(command.previous, choices)) return { ok: true, events: [] };
  return { ok: true, events: [{ type: "poll_voted", pollId: poll.id, by: command.by, choices, previous: command.previous }] };
}

export function evolvePolls(state: PollsState, event: PollEvent): PollsState {
  switch (event.type) {
    case "poll_opened":
      return { ...state, polls: [...state.polls, event.poll] };
    case "poll_closed":
      return withPoll(state, event.pollId, (poll) => ({ ...poll, status: "closed", closedAtMs: event.atMs }));
    case "poll_voted":
      return withPoll(state, event.pollId, (poll) => ({
        ...poll,
        tallies: poll.tallies.map((count, index) => count - (event.previous?.includes(index) ? 1 : 0) + (event.choices.includes(index) ? 1 : 0)),
      }));
  }
}

function sameChoices(a: readonly number[], b: readonly number[]): boolean {
  const sorted = [...new Set(a)].sort((x, y) => x - y);
  return sorted.length === b.length && sorted.every((value, index) => value === b[index]);
}

function withPoll(state: PollsState, id: number, change: (poll: Poll) => Poll): PollsState {
  return { ...state, polls: state.polls.map((poll) => (poll.id === id ? change(poll) : poll)) };
}

const reject = (status: 403 | 404 | 409 | 422, code: PollRejectionCode, message: string): PollDecision => ({ ok: false, status, code, message });
