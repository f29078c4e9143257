import type { EventView } from "../../domain/events/frames";
import { eventStatusWords, milestoneWords, presentWords, seatWords } from "../words/event-words";
import { memberLabel } from "../words/room-words";

/**
 * The live part of an event page: seats, polls with their results, and the Q&A board. One component
 * for both sides: the Worker renders it for the first paint and the event's client script renders
 * it again as frames arrive. It holds no handlers: buttons carry `data-action` and the ids they act on.
 */
export type Mine = { upvoted: number[]; votes: { pollId: number; choices: number[] }[] };
export type Attendance = { presentMs: number; milestones: { minutes: number; status: string }[] };
export type EventBoardProps = { view: EventView; me: string; mine: Mine; attendance: Attendance | null; connected: boolean };

export function EventBoard({ view, me, mine, attendance, connected }: EventBoardProps) {
  const isHost = me === view.hostId;
  const open = view.status !== "ended";
  const label = (memberId: string) => memberLabel(memberId, me);
  return (
    <>
      <section class="card" aria-labelledby="seats-heading">
        <div class="row">
          <h2 id="seats-heading">Seats</h2>
          <span class={`badge ${view.status === "live" ? "good" : ""}`} data-testid="event-status">
            {eventStatusWords[view.status]}
          </span>
        </div>
        <p data-testid="event-counts">{seatWords(view.counts)}</p>
        {attendance && !isHost && (
          <p class="muted" data-testid="present-time">
            {presentWords(attendance.presentMs)} {milestoneWords(attendance.milestones)}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="polls-heading">
        <h2 id="polls-heading">Polls</h2>
        {view.polls.length === 0 && <p class="muted">No polls yet.</p>}
        {[...view.polls].reverse().map((poll) => {
          const total = poll.tallies.reduce((sum, count) => sum + count, 0);
          const chosen = mine.votes.find((vote) => vote.pollId === poll.id)?.choices ?? [];
          return (
            <div class="poll" data-poll-id={String(poll.id)} data-testid="poll">
              <div class="row">
                <h3>{poll.question}</h3>
                <span class={`badge ${poll.status === "open" ? "good" : ""}`}>{poll.status === "open" ? (poll.multiple ? "Open · pick any" : "Open · pick one") : "Closed"}</span>
              </div>
              <ul class="plain">
                {poll.options.map((option, index) => (
                  <li data-testid="poll-option">
                    <div class="row">
                      <span>
                        {option} {chosen.includes(index) && <span class="badge good">Your vote</span>}
                      </span>
                      <span class="amount" data-testid="poll-tally">
                        {poll.tallies[index]} {poll.tallies[index] === 1 ? "vote" : "votes"}
                      </span>
                    </div>
                    <progress value={poll.tallies[index]} max={Math.max(total, 1)} aria-label={`${option}: ${poll.tallies[index]} of ${total} votes`} />
                    {poll.status === "open" && open && !isHost && (
                      <button type="button" class="secondary" data-action="vote" data-poll-id={String(poll.id)} data-choice={String(index)} disabled={!connected} aria-pressed={chosen.includes(index) ? "true" : "false"}>
                        {chosen.includes(index) ? (poll.multiple ? "Remove vote" : "Voted") : "Vote"} <span class="sr-only">{option}</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {isHost && poll.status === "open" && (
                <button type="button" class="danger" data-action="close_poll" data-poll-id={String(poll.id)} disabled={!connected}>
                  Close poll
                </button>
              )}
            </div>
          );
        })}
      </section>
      <section class="card" aria-labelledby="qa-heading">
        <h2 id="qa-heading">Questions</h2>
        {view.questions.length === 0 && <p class="muted">No questions yet.</p>}
        <ol class="queue" data-testid="questions">
          {view.questions.map((question) => (
            <li data-question-id={String(question.id)}>
              <p>{question.text}</p>
              <div class="row">
                <span class="muted">
                  {label(question.askerId)} · {question.votes} {question.votes === 1 ? "upvote" : "upvotes"} {question.status === "answered" && <span class="badge good">Answered</span>}
                </span>
                <span class="actions">
                  {question.askerId !== me && !isHost && question.status === "open" && (
                    <button type="button" class="secondary" data-action="upvote" data-question-id={String(question.id)} disabled={!connected || mine.upvoted.includes(question.id)}>
                      {mine.upvoted.includes(question.id) ? "Upvoted" : "Upvote"}
                    </button>
                  )}
                  {isHost && question.status === "open" && (
                    <button type="button" class="secondary" data-action="answer" data-question-id={String(question.id)} disabled={!connected}>
                      Mark answered
                    </button>
                  )}
                  {isHost && (
                    <button type="button" class="danger" data-action="hide" data-question-id={String(question.id)} disabled={!connected}>
                      Hide
                    </button>
                  )}
                </span>
              </div>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
