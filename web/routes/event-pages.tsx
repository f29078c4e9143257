import { Hono } from "hono";
import type { AppEnv } from "../../workers/app-env";
import { ApiError } from "../../workers/errors/api-error";
import { accessFor } from "../../workers/gates/gate-facts";
import { callActor } from "../../workers/ledger/call-actor";
import { limitBody } from "../../workers/middleware/json-body";
import { findProgram } from "../../workers/programs/program-directory";
import { CreateEventSchema, changeRegistration, createEventAs, eventDetailFor, toLiveEvent, upcomingEventRows } from "../../workers/routes/events";
import { signedInMember } from "../../workers/routes/me";
import { programNames } from "../member-data";
import { memberPage } from "../member-session";
import { EventPage } from "../pages/event-page";
import { type CreateEventForm, type EventListing, EventsPage, emptyCreateEventValues } from "../pages/events-page";
import { zonedIso } from "./ama-pages";
import { renderPageError } from "./page-errors";

/** The event pages: the program's events with register, cancel and the create form, and an event's live page. */
export const eventPages = new Hono<AppEnv>();
eventPages.onError(renderPageError);

const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,128}$/;
const createGate = "createEvent";

type Member = { memberId: string; programId: string };
type PageOptions = { form?: Omit<CreateEventForm, "idempotencyKey"> & { idempotencyKey?: string }; notice?: { kind: "error" | "success"; text: string } };

async function eventsPage(env: Env, member: Member, options: PageOptions = {}) {
  const [rows, gates, view, words, program] = await Promise.all([
    upcomingEventRows(env, member.programId),
    accessFor(env, member.memberId),
    callActor(env.MEMBER, member.memberId, (actor) => actor.view()),
    programNames(env.DB, member.programId),
    findProgram(env.DB, member.programId),
  ]);
  if (view.status === 404) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  const summaries = await Promise.all(rows.map((row) => callActor(env.EVENT, row.id, (stub) => stub.summary(member.memberId))));
  const events: EventListing[] = rows.flatMap((row, index) => {
    const summary = summaries[index];
    if (!summary?.mine) return [];
    return [{ ...toLiveEvent(row, summary.view.counts), mine: summary.mine.registration }];
  });
  const form = options.form;
  return (
    <EventsPage
      program={words.program}
      timezone={view.body.timezone}
      events={events}
      gate={gates.find((entry) => entry.gate === createGate)?.result ?? null}
      tiers={program.config.tiers}
      lifetimePoints={view.body.points.lifetime}
      form={{ idempotencyKey: form?.idempotencyKey ?? crypto.randomUUID(), values: form?.values ?? emptyCreateEventValues, errors: form?.errors ?? [] }}
      notice={options.notice}
    />
  );
}

eventPages.get("/events", memberPage, async (c) => c.html(await eventsPage(c.env, signedInMember(c.get("principal")))));

/** The create form's post: the same gate, schema and call as the API; the host lands on the event. */
eventPages.post("/events", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const form = await c.req.parseBody();
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string).slice(0, 200) : "");
  const values = { title: text("title"), startsAt: text("startsAt"), lengthMinutes: text("lengthMinutes"), capacity: text("capacity"), overflowSeats: text("overflowSeats"), minTier: text("minTier"), hasAudio: text("hasAudio") === "on" };
  const key = idempotencyKeyPattern.test(text("idempotencyKey")) ? text("idempotencyKey") : null;
  const again = (status: 403 | 422, errors: string[], keepKey = true) => eventsPage(c.env, member, { form: { values, errors, idempotencyKey: keepKey && key ? key : undefined } }).then((page) => c.html(page, status));
  if (!key) return again(422, ["This form is out of date. Try again."], false);
  const gate = (await accessFor(c.env, member.memberId)).find((entry) => entry.gate === createGate);
  if (!gate?.result.pass) return again(403, []);
  const profile = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile());
  const timezone = profile.status === 200 ? profile.body.timezone : "UTC";
  const parsed = CreateEventSchema.safeParse({
    title: values.title,
    startsAt: zonedIso(values.startsAt, timezone) ?? values.startsAt,
    lengthMinutes: Number(values.lengthMinutes),
    capacity: Number(values.capacity),
    minTier: values.minTier,
    hasAudio: values.hasAudio,
    ...(values.overflowSeats.trim() === "" ? {} : { overflowSeats: Number(values.overflowSeats) }),
  });
  if (!parsed.success) return again(422, parsed.error.issues.map((issue) => `${fieldNames[String(issue.path[0])] ?? "The form"}: ${issue.message}.`));
  try {
    const event = await createEventAs(c.env, member, key, parsed.data);
    return c.redirect(`/events/${event.id}`, 303);
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) return again(422, [error.message], error.code !== "idempotency_key_reused");
    throw error;
  }
});

/** Register and cancel as plain form posts (the API's own call); back to the list, or to the event's page. */
for (const [path, change] of [["registration", "register"], ["cancellation", "cancel"]] as const) {
  eventPages.post(`/events/:id/${path}`, limitBody, memberPage, async (c) => {
    const member = signedInMember(c.get("principal"));
    const eventId = c.req.param("id").slice(0, 64);
    const back = (await c.req.parseBody()).back === "event" ? `/events/${eventId}` : "/events";
    try {
      await changeRegistration(c.env, member, eventId, change);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500 || error.status === 404) throw error;
      return c.html(await eventsPage(c.env, member, { notice: { kind: "error", text: error.message } }), error.status as 403 | 409);
    }
    return c.redirect(back, 303);
  });
}

eventPages.get("/events/:id", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const [detail, profile, words] = await Promise.all([
    eventDetailFor(c.env, member, c.req.param("id").slice(0, 64)),
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile()),
    programNames(c.env.DB, member.programId),
  ]);
  const timezone = profile.status === 200 ? profile.body.timezone : words.program.timezone;
  return c.html(
    <EventPage
      program={words.program}
      timezone={timezone}
      me={member.memberId}
      event={detail}
      seq={detail.seq}
      view={detail.view}
      registration={detail.registration}
      attendance={{ presentMs: detail.presentMs, milestones: detail.milestones }}
      promotedNotice={detail.notices.some((notice) => notice.kind === "promoted")}
    />,
  );
});

const fieldNames: Record<string, string> = { title: "Title", startsAt: "Start", lengthMinutes: "Length", capacity: "Seats", overflowSeats: "Overflow seats", minTier: "Lowest tier" };
