import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { liveEvents } from "../../db/schema";
import { CountsSchema, EventViewSchema, MilestoneStatusSchema } from "../../domain/events/frames";
import { capacityMax, defaultOverflowSeats } from "../../domain/events/registration";
import { tierIndex } from "../../domain/tiers/qualification";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { callActor } from "../ledger/call-actor";
import { programContext } from "../ledger/contexts";
import { requireGate } from "../middleware/require-gate";
import { findProgram } from "../programs/program-directory";
import { IdParamsSchema, memberSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";
import { signedInMember } from "./me";

/** An event lasts at most this long; present time after its end does not count. */
const lengthMinutesMax = 8 * 60;
const createAheadMaxMs = 366 * 86_400_000;
const listLimit = 50;

export const CreateEventSchema = z
  .object({
    title: z.string().trim().min(3).max(120).openapi({ example: "Community call: season 2" }),
    startsAt: z.iso.datetime({ offset: true }),
    lengthMinutes: z.number().int().min(10).max(lengthMinutesMax),
    capacity: z.number().int().min(1).max(capacityMax),
    minTier: z.string().min(1).max(32).openapi({ description: "The lowest tier that may register (a tier code of the program's ladder)", example: "BRONZE" }),
    overflowSeats: z.number().int().min(0).max(capacityMax).optional().openapi({ description: "Extra seats for the program's top tier (DIAMOND) once the event is full; default 10% of capacity, rounded down" }),
    hasAudio: z.boolean().openapi({ description: "Whether joining gives TRTC audio credentials (the event id is the TRTC room id)" }),
  })
  .strict()
  .openapi("CreateEvent");
export type CreateEvent = z.infer<typeof CreateEventSchema>;

export const LiveEventSchema = z
  .object({
    id: z.string(),
    programId: z.string(),
    title: z.string(),
    hostMemberId: z.string(),
    startsAt: z.string(),
    lengthMinutes: z.number().int(),
    minTier: z.string(),
    hasAudio: z.boolean(),
    counts: CountsSchema,
  })
  .openapi("LiveEvent");

export const RegistrationStatusSchema = z
  .discriminatedUnion("status", [
    z.object({ status: z.literal("registered"), seat: z.enum(["regular", "overflow"]) }),
    z.object({ status: z.literal("waitlisted"), position: z.number().int().min(1) }),
    z.object({ status: z.literal("none") }),
    z.object({ status: z.literal("host") }),
  ])
  .openapi("EventRegistrationStatus");

const NoticeSchema = z.object({ id: z.number().int(), kind: z.string(), seat: z.enum(["regular", "overflow"]).optional(), at: z.string() });

const EventDetailSchema = LiveEventSchema.extend({
  seq: z.number().int(),
  view: EventViewSchema,
  registration: RegistrationStatusSchema,
  presentMs: z.number().int(),
  milestones: z.array(MilestoneStatusSchema),
  notices: z.array(NoticeSchema).openapi({ description: "What the event told me (a promotion from the waitlist), newest first: the outbox a notification system will read" }),
}).openapi("LiveEventDetail");

const RegistrationAnswerSchema = z.object({ eventId: z.string(), registration: RegistrationStatusSchema, counts: CountsSchema }).openapi("EventRegistration");

const memberRoute = { tags: ["Live events"], security: memberSecurity, middleware: [requireMember()] };

const createEvent = createRoute({
  ...memberRoute,
  operationId: "createEvent",
  method: "post",
  path: "/programs/{id}/events",
  summary: "Create a live event in my program; I host it (gate createEvent: DIAMOND in the preset)",
  middleware: [requireMember(), requireGate("createEvent")] as const,
  request: { params: IdParamsSchema, headers: RequiredKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: CreateEventSchema } } } },
  responses: { 201: { description: "Created (a repeat of the same Idempotency-Key answers the same event)", content: { "application/json": { schema: LiveEventSchema } } }, ...errorResponses(400, 401, 403, 404, 422) },
});
const listEvents = createRoute({
  ...memberRoute,
  operationId: "listEvents",
  method: "get",
  path: "/programs/{id}/events",
  summary: "Upcoming and live events of my program, soonest first, with their seat counts",
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Up to 50", content: { "application/json": { schema: z.object({ events: z.array(LiveEventSchema) }) } } }, ...errorResponses(401, 404) },
});
const getEvent = createRoute({
  ...memberRoute,
  operationId: "getEvent",
  method: "get",
  path: "/events/{id}",
  summary: "An event of my program: its live state, my registration or waitlist position, my present time and milestones",
  request: { params: IdParamsSchema },
  responses: { 200: { description: "The event", content: { "application/json": { schema: EventDetailSchema } } }, ...errorResponses(401, 404) },
});
const registrationRoute = (method: "post" | "delete") =>
  createRoute({
    ...memberRoute,
    operationId: method === "post" ? "registerForEvent" : "cancelEventRegistration",
    method,
    path: "/events/{id}/registration",
    summary:
      method === "post"
        ? "Register: a seat while any is free, an overflow seat for DIAMOND once full, else the waitlist (tier, then time)"
        : "Cancel my registration or leave the waitlist; a freed seat goes to the next member waiting at once",
    request: { params: IdParamsSchema },
    responses: { 200: { description: "My registration now, and the event's counts", content: { "application/json": { schema: RegistrationAnswerSchema } } }, ...errorResponses(401, 403, 404, 409) },
  });

type EventRow = typeof liveEvents.$inferSelect;
export const toLiveEvent = (row: EventRow, counts: z.infer<typeof CountsSchema>) => ({
  id: row.id,
  programId: row.programId,
  title: row.title,
  hostMemberId: row.hostMemberId,
  startsAt: new Date(row.startsAtMs).toISOString(),
  lengthMinutes: row.lengthMinutes,
  minTier: row.minTier,
  hasAudio: row.hasAudio,
  counts,
});

function ownProgram(principal: AppEnv["Variables"]["principal"], programId: string) {
  const member = signedInMember(principal);
  if (member.programId !== programId) throw new ApiError(404, "program_not_found", `No program ${programId}`);
  return member;
}

/** The event id derives from the program and the key, so a retried create reaches the same row and actor. */
async function eventIdFor(programId: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`event:${programId}:${key}`)));
  return `evt_${Array.from(digest.slice(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** The member's tier as its index in the program's ladder (what the waitlist and Q&A order by), and the ladder. */
export async function memberTierRank(env: Env, member: { memberId: string; programId: string }) {
  const [program, view] = await Promise.all([findProgram(env.DB, member.programId), callActor(env.MEMBER, member.memberId, (stub) => stub.view())]);
  if (view.status !== 200) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return { tierRank: tierIndex(program.config.tiers, view.body.tier), tiers: program.config.tiers };
}

export const eventRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

eventRoutes.openapi(createEvent, async (c) => {
  const member = ownProgram(c.get("principal"), c.req.valid("param").id);
  return c.json(await createEventAs(c.env, member, requireIdempotencyKey(c), c.req.valid("json")), 201);
});

/** Creates an event hosted by `member` (who passed the createEvent gate): the API and the /events page's form both come here. */
export async function createEventAs(env: Env, member: { memberId: string; programId: string }, key: string, body: CreateEvent) {
  const programId = member.programId;
  const nowMs = Date.now();
  const startsAtMs = Date.parse(body.startsAt);
  if (startsAtMs > nowMs + createAheadMaxMs) throw new ApiError(422, "starts_too_far_ahead", "An event can be created at most a year ahead");
  if (startsAtMs + body.lengthMinutes * 60_000 <= nowMs) throw new ApiError(422, "event_already_over", "This start and length put the whole event in the past; pick a later start");
  const overflowSeats = body.overflowSeats ?? defaultOverflowSeats(body.capacity);
  if (overflowSeats > body.capacity) throw new ApiError(422, "overflow_too_large", `overflowSeats (${overflowSeats}) may not exceed capacity (${body.capacity})`);
  const { tiers } = await memberTierRank(env, member);
  const minTierRank = tiers.findIndex((tier) => tier.code === body.minTier);
  if (minTierRank < 0) throw new ApiError(422, "unknown_tier", `No tier ${body.minTier}; this program's tiers are ${tiers.map((tier) => tier.code).join(", ")}`);
  const id = await eventIdFor(programId, key);
  const db = drizzle(env.DB);
  const row: EventRow = { id, programId, title: body.title, hostMemberId: member.memberId, startsAtMs, lengthMinutes: body.lengthMinutes, capacity: body.capacity, overflowSeats, minTier: body.minTier, hasAudio: body.hasAudio, idempotencyKey: key, createdAt: new Date(nowMs).toISOString() };
  await db.insert(liveEvents).values(row).onConflictDoNothing();
  const [stored] = await db.select().from(liveEvents).where(eq(liveEvents.id, id));
  const same = (Object.keys(row) as (keyof EventRow)[]).every((field) => field === "createdAt" || stored[field] === row[field]);
  if (!same) throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key already created another event; send a new key for a new event");
  const program = await programContext(env.DB, programId);
  // The actor is told its event in the same request; a retry of the key tells it again (idempotent).
  await callActor(env.EVENT, id, (stub) =>
    stub.create({ eventId: id, program, hostMemberId: member.memberId, startsAtMs, endsAtMs: startsAtMs + body.lengthMinutes * 60_000, capacity: body.capacity, overflowSeats, overflowTierRank: tiers.length - 1, minTierRank, hasAudio: body.hasAudio }),
  );
  return toLiveEvent(stored, { capacity: body.capacity, overflowSeats, registered: 0, overflow: 0, waitlisted: 0 });
}

eventRoutes.openapi(listEvents, async (c) => {
  const { id: programId } = c.req.valid("param");
  ownProgram(c.get("principal"), programId);
  return c.json({ events: await upcomingEvents(c.env, programId) }, 200);
});

/** Live events and those still to come, soonest first (an event's length is at most 8 hours, so a day back covers every live one). */
export async function upcomingEventRows(env: Env, programId: string): Promise<EventRow[]> {
  const rows = await drizzle(env.DB)
    .select()
    .from(liveEvents)
    .where(and(eq(liveEvents.programId, programId), gt(liveEvents.startsAtMs, Date.now() - 24 * 3_600_000)))
    .orderBy(asc(liveEvents.startsAtMs))
    .limit(listLimit);
  return rows.filter((row) => row.startsAtMs + row.lengthMinutes * 60_000 > Date.now());
}

/** The list with exact counts from each event's actor. */
export async function upcomingEvents(env: Env, programId: string) {
  const live = await upcomingEventRows(env, programId);
  const counts = await Promise.all(live.map((row) => callActor(env.EVENT, row.id, (stub) => stub.counts())));
  return live.map((row, index) => toLiveEvent(row, counts[index] ?? { capacity: row.capacity, overflowSeats: row.overflowSeats, registered: 0, overflow: 0, waitlisted: 0 }));
}

/** The event, for a member of its program (another program's event answers 404, as if it did not exist). */
export async function eventForMember(db: D1Database, eventId: string, programId: string): Promise<EventRow> {
  const [row] = await drizzle(db).select().from(liveEvents).where(eq(liveEvents.id, eventId));
  if (!row || row.programId !== programId) throw new ApiError(404, "event_not_found", `No event ${eventId}`);
  return row;
}

eventRoutes.openapi(getEvent, async (c) => {
  const member = signedInMember(c.get("principal"));
  return c.json(await eventDetailFor(c.env, member, c.req.valid("param").id), 200);
});

/** The event page's data (the API and the /events/{id} page). */
export async function eventDetailFor(env: Env, member: { memberId: string; programId: string }, eventId: string) {
  const row = await eventForMember(env.DB, eventId, member.programId);
  const summary = await callActor(env.EVENT, row.id, (stub) => stub.summary(member.memberId));
  if (!summary || !summary.mine) throw new ApiError(404, "event_not_found", `No event ${eventId}`);
  return { ...toLiveEvent(row, summary.view.counts), seq: summary.seq, view: summary.view, registration: summary.mine.registration, presentMs: summary.mine.presentMs, milestones: summary.mine.milestones, notices: summary.mine.notices };
}

for (const method of ["post", "delete"] as const) {
  eventRoutes.openapi(registrationRoute(method), async (c) => {
    const member = signedInMember(c.get("principal"));
    return c.json(await changeRegistration(c.env, member, c.req.valid("param").id, method === "post" ? "register" : "cancel"), 200);
  });
}

/**
 * Registers or cancels at the event's actor, the single writer: 500 members at once get exactly the
 * seats there are, the rest the waitlist in order. A repeat answers the member's standing as it is
 * (a second register is 409 already_registered).
 */
export async function changeRegistration(env: Env, member: { memberId: string; programId: string }, eventId: string, change: "register" | "cancel") {
  const row = await eventForMember(env.DB, eventId, member.programId);
  const tierRank = change === "register" ? (await memberTierRank(env, member)).tierRank : 0;
  const outcome = await callActor(env.EVENT, row.id, (stub) => (change === "register" ? stub.register(member.memberId, tierRank) : stub.cancel(member.memberId)));
  if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.message);
  return { eventId: row.id, registration: outcome.registration, counts: outcome.counts };
}
