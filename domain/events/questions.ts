/**
 * An event's Q&A (issue 22): members ask, others upvote once each, the host marks a question
 * answered or hides it. Whether a member already upvoted is a fact the actor loads from its storage
 * (`alreadyVoted`), so the state stays small however many votes there are.
 */

export const questionLengthMax = 500;
/** One question per member per minute: the seed's limit, and what keeps a bot from flooding the board. */
export const askCooldownMs = 60_000;
/** Questions kept per event (answered and hidden count too). */
export const questionsMax = 1_000;

export type QuestionStatus = "open" | "answered" | "hidden";
export type Question = { id: number; askerId: string; askerTierRank: number; text: string; atMs: number; votes: number; status: QuestionStatus };
export type QuestionsState = { hostId: string; questions: Question[]; lastAskedAtMs: Record<string, number> };

export type QuestionCommand =
  | { type: "ask"; by: string; tierRank: number; text: string }
  | { type: "upvote"; by: string; questionId: number; alreadyVoted: boolean }
  | { type: "answer"; by: string; questionId: number }
  | { type: "hide"; by: string; questionId: number };

export type QuestionEvent =
  | { type: "question_asked"; question: Question }
  | { type: "question_upvoted"; questionId: number; by: string; votes: number }
  | { type: "question_answered"; questionId: number }
  | { type: "question_hidden"; questionId: number };

export type QuestionRejectionCode = "question_empty" | "question_too_long" | "ask_cooldown" | "too_many_questions" | "question_not_found" | "own_question" | "already_upvoted" | "not_host";
export type QuestionDecision = { ok: true; events: QuestionEvent[] } | { ok: false; status: 403 | 404 | 409 | 422 | 429; code: QuestionRejectionCode; message: string };

export const initialQuestionsState = (hostId: string): QuestionsState => ({ hostId, questions: [], lastAskedAtMs: {} });

export function decideQuestion(state: QuestionsState, command: QuestionCommand, nowMs: number): QuestionDecision {
  if (command.type === "ask") {
    const text = command.text.trim();
    if (text.length === 0) return reject(422, "question_empty", "Write a question before sending it");
    if (text.length > questionLengthMax) return reject(422, "question_too_long", `A question is at most ${questionLengthMax} characters; this one has ${text.length}`);
    const last = state.lastAskedAtMs[command.by];
    if (last !== undefined && nowMs - last < askCooldownMs) return reject(429, "ask_cooldown", `One question a minute: ask again in ${Math.ceil((askCooldownMs - (nowMs - last)) / 1000)} s`);
    if (state.questions.length >= questionsMax) return reject(409, "too_many_questions", `This event holds ${questionsMax} questions at most`);
    const id = state.questions.length + 1;
    return accept([{ type: "question_asked", question: { id, askerId: command.by, askerTierRank: command.tierRank, text, atMs: nowMs, votes: 0, status: "open" } }]);
  }
  const question = state.questions.find((entry) => entry.id === command.questionId);
  if (!question || (question.status === "hidden" && command.type !== "hide")) return reject(404, "question_not_found", `No question ${command.questionId}`);
  switch (command.type) {
    case "upvote":
      if (question.askerId === command.by) return reject(422, "own_question", "You cannot upvote your own question");
      if (command.alreadyVoted) return reject(409, "already_upvoted", "You already upvoted this question");
      return accept([{ type: "question_upvoted", questionId: question.id, by: command.by, votes: question.votes + 1 }]);
    case "answer":
      if (command.by !== state.hostId) return notHost("mark a question answered");
      return accept(question.status === "answered" ? [] : [{ type: "question_answered", questionId: question.id }]);
    case "hide":
      if (command.by !== state.hostId) return notHost("hide a question");
      return accept(question.status === "hidden" ? [] : [{ type: "question_hidden", questionId: question.id }]);
  }
}

export function evolveQuestions(state: QuestionsState, event: QuestionEvent): QuestionsState {
  switch (event.type) {
    case "question_asked":
      return { ...state, questions: [...state.questions, event.question], lastAskedAtMs: { ...state.lastAskedAtMs, [event.question.askerId]: event.question.atMs } };
    case "question_upvoted":
      return withQuestion(state, event.questionId, (question) => ({ ...question, votes: event.votes }));
    case "question_answered":
      return withQuestion(state, event.questionId, (question) => ({ ...question, status: "answered" }));
    case "question_hidden":
      return withQuestion(state, event.questionId, (question) => ({ ...question, status: "hidden" }));
  }
}

/** The seed's order: the asker's tier priority, then votes, then the earlier question (then id: a total order). */
export function compareQuestions(a: Question, b: Question): number {
  return b.askerTierRank - a.askerTierRank || b.votes - a.votes || a.atMs - b.atMs || a.id - b.id;
}

/** What every member sees: hidden questions left out, in board order. */
export function visibleQuestions(state: QuestionsState): Question[] {
  return state.questions.filter((question) => question.status !== "hidden").sort(compareQuestions);
}

function withQuestion(state: QuestionsState, id: number, change: (question: Question) => Question): QuestionsState {
  return { ...state, questions: state.questions.map((question) => (question.id === id ? change(question) : question)) };
}

const accept = (events: QuestionEvent[]): QuestionDecision => ({ ok: true, events });
const reject = (status: 403 | 404 | 409 | 422 | 429, code: QuestionRejectionCode, message: string): QuestionDecision => ({ ok: false, status, code, message });
const notHost = (what: string) => reject(403, "not_host", `Only the host can ${what}`);
