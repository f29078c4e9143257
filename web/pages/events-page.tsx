import type { GateResult } from "../../domain/gates/evaluate-gate";
import type { Tier } from "../../domain/programs/program-config";
import { Layout, Notice } from "../layout";
import type { ProgramFacts } from "../member-data";
import { type MyRegistration, type SeatCounts, registrationWords, seatWords } from "../words/event-words";
import { dateTime } from "../words/formatting";
import { missingInWords } from "../words/gate-words";
import { memberNav } from "./member-nav";

export type EventListing = { id: string; title: string; startsAt: string; lengthMinutes: number; minTier: string; counts: SeatCounts; mine: MyRegistration };

/** What the create form shows: its fresh key, and on a failed post what the member typed and what was wrong. */
export type CreateEventForm = {
  idempotencyKey: string;
  values: { title: string; startsAt: string; lengthMinutes: string; capacity: string; overflowSeats: string; minTier: string; hasAudio: boolean };
  errors: string[];
};

export const emptyCreateEventValues = { title: "", startsAt: "", lengthMinutes: "60", capacity: "100", overflowSeats: "", minTier: "BRONZE", hasAudio: true };

type EventsProps = {
  program: ProgramFacts;
  timezone: string;
  events: EventListing[];
  gate: GateResult | null;
  tiers: readonly Tier[];
  lifetimePoints: number;
  form: CreateEventForm;
  notice?: { kind: "error" | "success"; text: string };
};

/** Upcoming and live events with register, cancel, the waitlist position and the way in; the create form for those the gate lets through. */
export function EventsPage({ program, timezone, events, gate, tiers, lifetimePoints, form, notice }: EventsProps) {
  return (
    <Layout title={`${program.name}: events`} nav={memberNav("/events", true)}>
      <section class="card" aria-labelledby="events-heading">
        <h1 id="events-heading">Live events</h1>
        <p class="muted">Times are in your time zone ({timezone}). When an event is full, DIAMOND members take overflow seats and everyone else joins the waitlist, highest tier first.</p>
        {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
        {events.length === 0 ? (
          <p data-testid="no-events">No events are planned yet.</p>
        ) : (
          <ul class="plain" data-testid="event-list">
            {events.map((event) => (
              <li class="stack" data-event-id={event.id}>
                <span>
                  <a href={`/events/${event.id}`}>{event.title}</a>
                  <br />
                  <span class="muted">
                    {dateTime(event.startsAt, timezone)} · {event.lengthMinutes} min · {event.minTier} and up
                  </span>
                </span>
                <span class="muted" data-testid="event-counts">
                  {seatWords(event.counts)}
                </span>
                <span data-testid="my-registration">{registrationWords(event.mine)}</span>
                <span class="actions">
                  {event.mine.status === "none" && (
                    <form method="post" action={`/events/${event.id}/registration`} class="inline">
                      <button type="submit">
                        Register <span class="sr-only">for {event.title}</span>
                      </button>
                    </form>
                  )}
                  {(event.mine.status === "registered" || event.mine.status === "waitlisted") && (
                    <form method="post" action={`/events/${event.id}/cancellation`} class="inline">
                      <button type="submit" class="secondary">
                        {event.mine.status === "registered" ? "Cancel registration" : "Leave waitlist"} <span class="sr-only">for {event.title}</span>
                      </button>
                    </form>
                  )}
                  {(event.mine.status === "registered" || event.mine.status === "host") && (
                    <a class="button" href={`/events/${event.id}`}>
                      Join <span class="sr-only">{event.title}</span>
                    </a>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create an event</h2>
        {gate?.pass ? (
          <form method="post" action="/events" class="stack">
            {form.errors.length > 0 && <Notice kind="error">{form.errors.join(" ")}</Notice>}
            <input type="hidden" name="idempotencyKey" value={form.idempotencyKey} />
            <label for="event-title">Title</label>
            <input id="event-title" name="title" required minlength={3} maxlength={120} value={form.values.title} />
            <label for="event-starts">Starts ({timezone})</label>
            <input id="event-starts" name="startsAt" type="datetime-local" required value={form.values.startsAt} />
            <label for="event-minutes">Length in minutes</label>
            <input id="event-minutes" name="lengthMinutes" type="number" inputmode="numeric" min={10} max={480} required value={form.values.lengthMinutes} />
            <label for="event-capacity">Seats</label>
            <input id="event-capacity" name="capacity" type="number" inputmode="numeric" min={1} max={10000} required value={form.values.capacity} />
            <label for="event-overflow">DIAMOND overflow seats (empty: 10% of the seats)</label>
            <input id="event-overflow" name="overflowSeats" type="number" inputmode="numeric" min={0} max={10000} value={form.values.overflowSeats} />
            <label for="event-min-tier">Lowest tier that may register</label>
            <select id="event-min-tier" name="minTier">
              {tiers.map((tier) => (
                <option value={tier.code} selected={tier.code === form.values.minTier}>
                  {tier.code}
                </option>
              ))}
            </select>
            <label class="check">
              <input type="checkbox" name="hasAudio" value="on" checked={form.values.hasAudio} /> With audio
            </label>
            <button type="submit">Create event</button>
          </form>
        ) : (
          <p data-testid="create-gate">
            {gate === null ? "This program does not let members create events." : `To create an event you need to ${gate.unmet.map((leaf) => missingInWords(leaf, tiers, lifetimePoints)).join("; ")}.`}
          </p>
        )}
      </section>
    </Layout>
  );
}
