import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PollCommand, type PollsState, decidePoll, evolvePolls, initialPollsState } from "./polls";

const now = Date.parse("2026-12-04T18:00:00Z");

function apply(state: PollsState, command: PollCommand): PollsState {
  const decision = decidePoll(state, command, now);
  if (!decision.ok) throw new Error(`${command.type}: ${decision.message}`);
  return decision.events.reduce(evolvePolls, state);
}

const opened = (multiple = false) => apply(initialPollsState("host"), { type: "open_poll", by: "host", question: "Next feature?", options: ["Staking", "Quests", "Badges"], multiple });

describe("event polls", () => {
  it("lets only the host open a poll of 2 to 10 distinct options", () => {
    const state = initialPollsState("host");
    expect(decidePoll(state, { type: "open_poll", by: "m", question: "Q", options: ["a", "b"], multiple: false }, now)).toMatchObject({ ok: false, code: "not_host" });
    expect(decidePoll(state, { type: "open_poll", by: "host", question: "Q", options: ["a"], multiple: false }, now)).toMatchObject({ ok: false, code: "poll_invalid" });
    expect(decidePoll(state, { type: "open_poll", by: "host", question: "Q", options: Array.from({ length: 11 }, (_, i) => `o${i}`), multiple: false }, now)).toMatchObject({ ok: false, code: "poll_invalid" });
    expect(decidePoll(state, { type: "open_poll", by: "host", question: "Q", options: ["a", "a"], multiple: false }, now)).toMatchObject({ ok: false, code: "poll_invalid" });
  });

  it("moves a changed vote between options, and a closed poll is final", () => {
    let state = apply(opened(), { type: "vote", by: "m", pollId: 1, choices: [0], previous: null });
    state = apply(state, { type: "vote", by: "m", pollId: 1, choices: [2], previous: [0] });
    expect(state.polls[0].tallies).toEqual([0, 0, 1]);
    state = apply(state, { type: "close_poll", by: "host", pollId: 1 });
    expect(decidePoll(state, { type: "vote", by: "m", pollId: 1, choices: [1], previous: [2] }, now)).toMatchObject({ ok: false, code: "poll_closed" });
    expect(decidePoll(state, { type: "vote", by: "n", pollId: 1, choices: [1], previous: null }, now)).toMatchObject({ ok: false, code: "poll_closed" });
    expect(state.polls[0]).toMatchObject({ status: "closed", tallies: [0, 0, 1] });
  });

  it("takes one option on a single-choice poll and several on a multiple-choice one", () => {
    expect(decidePoll(opened(false), { type: "vote", by: "m", pollId: 1, choices: [0, 1], previous: null }, now)).toMatchObject({ ok: false, code: "choice_invalid" });
    expect(apply(opened(true), { type: "vote", by: "m", pollId: 1, choices: [0, 2], previous: null }).polls[0].tallies).toEqual([1, 0, 1]);
    expect(decidePoll(opened(), { type: "vote", by: "m", pollId: 1, choices: [3], previous: null }, now)).toMatchObject({ ok: false, code: "choice_invalid" });
  });

  it("tallies exactly each member's current vote over any sequence of votes and changes", () => {
    const vote = fc.record({ member: fc.constantFrom("a", "b", "c", "d"), choices: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 40 }), (votes) => {
        let state = opened(true);
        const current = new Map<string, number[]>();
        for (const { member, choices } of votes) {
          state = apply(state, { type: "vote", by: member, pollId: 1, choices, previous: current.get(member) ?? null });
          current.set(member, [...choices].sort());
        }
        const expected = [0, 1, 2].map((option) => [...current.values()].filter((choices) => choices.includes(option)).length);
        expect(state.polls[0].tallies).toEqual(expected);
      }),
    );
  });
});
