import type { EventView } from "../../domain/events/frames";
import { pollOptionsMax, pollQuestionLengthMax } from "../../domain/events/polls";
import { questionLengthMax } from "../../domain/events/questions";
import { Layout, Notice } from "../layout";
import type { ProgramFacts } from "../member-data";
import { type MyRegistration, registrationWords } from "../words/event-words";
import { dateTime } from "../words/formatting";
import { memberLabel } from "../words/room-words";
import { type Attendance, EventBoard, type Mine } from "./event-board";
import { memberNav } from "./member-nav";

type EventPageProps = {
  program: ProgramFacts;
  timezone: string;
  me: string;
  event: { id: string; title: string; startsAt: string; lengthMinutes: number; hostMemberId: string; hasAudio: boolean };
  seq: number;
  view: EventView;
  registration: MyRegistration;
  attendance: Attendance;
  promotedNotice: boolean;
};

/**
 * A live event. Registered members and the host get the live board (the event-page script keeps it
 * current from the event's socket, resuming from `seq`); anyone else sees their registration and a
 * way to register. An ended event loads no script.
 */
export function EventPage({ program, timezone, me, event, seq, view, registration, attendance, promotedNotice }: EventPageProps) {
  const inside = registration.status === "registered" || registration.status === "host";
  const live = inside && view.status !== "ended";
  const isHost = registration.status === "host";
  const mine: Mine = { upvoted: [], votes: [] };
  return (
    <Layout title={`${event.title}: ${program.name} event`} nav={memberNav("/events", true)} scripts={live ? ["event-page"] : []}>
      <section class="card" aria-labelledby="event-title">
        <h1 id="event-title">{event.title}</h1>
        <p class="muted">
          {dateTime(event.startsAt, timezone)} · {event.lengthMinutes} min · hosted by {memberLabel(event.hostMemberId, me)}
        </p>
        {promotedNotice && registration.status === "registered" && <Notice kind="success">A seat freed up: you moved from the waitlist to a seat.</Notice>}
        <p data-testid="my-registration">{registrationWords(registration)}</p>
        {registration.status === "none" && view.status !== "ended" && (
          <form method="post" action={`/events/${event.id}/registration`} class="event-action">
            <input type="hidden" name="back" value="event" />
            <button type="submit">Register</button>
          </form>
        )}
        {(registration.status === "registered" || registration.status === "waitlisted") && view.status !== "ended" && (
          <form method="post" action={`/events/${event.id}/cancellation`} class="event-action">
            <input type="hidden" name="back" value="event" />
            <button type="submit" class="secondary">
              {registration.status === "registered" ? "Cancel registration" : "Leave waitlist"}
            </button>
          </form>
        )}
        {live && (
          <>
            <p class="notice info" id="event-connection" role="status" aria-live="polite">
              Connecting to the event…
            </p>
            <noscript>
              <p class="notice error">The live event needs JavaScript: without it this page shows the event as it was when you opened it.</p>
            </noscript>
          </>
        )}
        <p class="notice" id="event-notice" role="status" aria-live="polite"></p>
      </section>
      {inside && (
        <div id="event-live" class="room-live" data-event-id={event.id} data-me={me} data-seq={String(seq)} data-state={JSON.stringify(view)} data-attendance={JSON.stringify(attendance)}>
          <EventBoard view={view} me={me} mine={mine} attendance={isHost ? null : attendance} connected={false} />
        </div>
      )}
      {live && event.hasAudio && (
        <section class="card" aria-labelledby="audio-heading">
          <h2 id="audio-heading">Audio</h2>
          <p class="muted">Questions and polls work without audio. Audio loads only when you join it.</p>
          <button type="button" class="secondary" id="join-audio">
            Join audio
          </button>
          <p class="notice" id="audio-status" role="status" aria-live="polite"></p>
        </section>
      )}
      {live && (
        <section class="card" aria-labelledby="ask-heading">
          <h2 id="ask-heading">{isHost ? "Open a poll" : "Ask a question"}</h2>
          {isHost ? (
            <form id="poll-form" class="stack">
              <label for="poll-question">Question</label>
              <input id="poll-question" name="question" required maxlength={pollQuestionLengthMax} />
              <label for="poll-options">Options, one per line (2 to {pollOptionsMax})</label>
              <textarea id="poll-options" name="options" rows={4} required></textarea>
              <label class="check">
                <input type="checkbox" name="multiple" value="on" /> Members may pick several
              </label>
              <button type="submit">Open poll</button>
            </form>
          ) : (
            <form id="ask-form" class="stack">
              <label for="ask-text">Your question (one a minute, up to {questionLengthMax} characters)</label>
              <textarea id="ask-text" name="text" rows={3} required maxlength={questionLengthMax}></textarea>
              <button type="submit">Ask</button>
            </form>
          )}
        </section>
      )}
    </Layout>
  );
}
