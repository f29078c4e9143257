import { describe, expect, it } from "vitest";
import { type QuestionCommand, type QuestionsState, askCooldownMs, decideQuestion, evolveQuestions, initialQuestionsState, visibleQuestions } from "./questions";

const now = Date.parse("2026-12-04T18:00:00Z");

function given(state: QuestionsState, commands: [QuestionCommand, number][]): QuestionsState {
  return commands.reduce((current, [command, atMs]) => {
    const decision = decideQuestion(current, command, atMs);
    if (!decision.ok) throw new Error(`${command.type} by ${command.by}: ${decision.message}`);
    return decision.events.reduce(evolveQuestions, current);
  }, state);
}

const ask = (by: string, tierRank: number, text = `question from ${by}`): QuestionCommand => ({ type: "ask", by, tierRank, text });
const upvote = (by: string, questionId: number, alreadyVoted = false): QuestionCommand => ({ type: "upvote", by, questionId, alreadyVoted });

describe("event Q&A", () => {
  it("orders questions by the asker's tier, then votes, then time", () => {
    const state = given(initialQuestionsState("host"), [
      [ask("bronze1", 0), now],
      [ask("bronze2", 0), now + 1],
      [ask("gold", 2), now + 2],
      [upvote("x", 2), now + 3],
      [ask("diamond", 3), now + 4],
    ]);
    expect(visibleQuestions(state).map((question) => question.askerId)).toEqual(["diamond", "gold", "bronze2", "bronze1"]);
  });

  it("allows one question a minute per member and 500 characters", () => {
    const state = given(initialQuestionsState("host"), [[ask("a", 0), now]]);
    expect(decideQuestion(state, ask("a", 0), now + askCooldownMs - 1)).toMatchObject({ ok: false, status: 429, code: "ask_cooldown" });
    expect(decideQuestion(state, ask("a", 0), now + askCooldownMs).ok).toBe(true);
    expect(decideQuestion(state, ask("b", 0, "x".repeat(501)), now)).toMatchObject({ ok: false, code: "question_too_long" });
    expect(decideQuestion(state, ask("b", 0, "x".repeat(500)), now).ok).toBe(true);
  });

  it("counts an upvote once per member and never the asker's own", () => {
    const state = given(initialQuestionsState("host"), [[ask("a", 0), now], [upvote("b", 1), now]]);
    expect(state.questions[0].votes).toBe(1);
    expect(decideQuestion(state, upvote("b", 1, true), now)).toMatchObject({ ok: false, code: "already_upvoted" });
    expect(decideQuestion(state, upvote("a", 1), now)).toMatchObject({ ok: false, code: "own_question" });
  });

  it("lets only the host mark answered or hide, and hides a hidden question from everyone", () => {
    const state = given(initialQuestionsState("host"), [[ask("a", 0), now], [ask("b", 0), now], [{ type: "answer", by: "host", questionId: 1 }, now], [{ type: "hide", by: "host", questionId: 2 }, now]]);
    expect(visibleQuestions(state).map((question) => [question.id, question.status])).toEqual([[1, "answered"]]);
    expect(decideQuestion(state, { type: "answer", by: "a", questionId: 1 }, now)).toMatchObject({ ok: false, status: 403, code: "not_host" });
    expect(decideQuestion(state, upvote("c", 2), now)).toMatchObject({ ok: false, code: "question_not_found" });
  });
});
