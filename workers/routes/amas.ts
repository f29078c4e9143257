import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { amas } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { callActor } from "../ledger/call-actor";
import { programContext } from "../ledger/contexts";
import { requireGate } from "../middleware/require-gate";
import { IdParamsSchema, memberSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";
import { signedInMember } from "./me";

/** An AMA may be planned for at most this long; the room ends itself after it plus a grace. */
const plannedMinutesMax = 8 * 60;
/** AMAs may be scheduled this far ahead at most. */
const scheduleAheadMaxMs = 366 * 86_400_000;
const listLimit = 50;
export const speakerCapDefault = 8;

export const ScheduleAmaSchema = z
  .object({
    title: z.string().trim().min(3).max(120).openapi({ example: "Roadmap AMA with the core team" }),
    startsAt: z.iso.datetime({ offset: true }).openapi({ description: "When the AMA starts (the host may start it earlier)" }),
    plannedMinutes: z.number().int().min(5).max(plannedMinutesMax),
    speakerCap: z.number().int().min(1).max(50).optional().openapi({ description: `Speakers on stage at once besides the host (default ${speakerCapDefault})` }),
  })
  .strict()
  .openapi("ScheduleAma");
export type ScheduleAma = z.infer<typeof ScheduleAmaSchema>;

export const AmaSchema = z
  .object({
    id: z.string().openapi({ description: "The AMA id: also its TRTC room id, always a string (TRTC treats the room 123 and \"123\" as different rooms)" }),
    programId: z.string(),
    title: z.string(),
    hostMemberId: z.string(),
    startsAt: z.string(),
    plannedMinutes: z.number().int(),
    status: z.enum(["scheduled", "live", "ended"]),
  })
  .openapi("Ama");

const scheduleAma = createRoute({
  operationId: "scheduleAma",
  method: "post",
  path: "/programs/{id}/amas",
  tags: ["AMAs"],
  summary: "Schedule a voice AMA in my program; I host it (gate scheduleAma: GOLD and up in the preset)",
  security: memberSecurity,
  middleware: [requireMember(), requireGate("scheduleAma")] as const,
  request: { params: IdParamsSchema, headers: RequiredKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: ScheduleAmaSchema } } } },
  responses: { 201: { description: "Scheduled (a repeat of the same Idempotency-Key answers the same AMA)", content: { "application/json": { schema: AmaSchema } } }, ...errorResponses(400, 401, 403, 404, 422) },
});

const listAmas = createRoute({
  operationId: "listAmas",
  method: "get",
  path: "/programs/{id}/amas",
  tags: ["AMAs"],
  summary: "Upcoming and live AMAs of my program, soonest first",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Up to 50", content: { "application/json": { schema: z.object({ amas: z.array(AmaSchema) }) } } }, ...errorResponses(401, 404) },
});

type AmaRow = typeof amas.$inferSelect;
const toAma = (row: AmaRow) => ({ id: row.id, programId: row.programId, title: row.title, hostMemberId: row.hostMemberId, startsAt: new Date(row.startsAtMs).toISOString(), plannedMinutes: row.plannedMinutes, status: row.status });

/** The signed-in member's own program only: another program's AMAs answer 404, as if they did not exist. */
function ownProgram(principal: AppEnv["Variables"]["principal"], programId: string) {
  const member = signedInMember(principal);
  if (member.programId !== programId) throw new ApiError(404, "program_not_found", `No program ${programId}`);
  return member;
}

/** The AMA id derives from the program and the key, so a retried schedule reaches the same row and room. */
async function amaIdFor(programId: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`ama:${programId}:${key}`)));
  return `ama_${Array.from(digest.slice(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export const amaRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

amaRoutes.openapi(scheduleAma, async (c) => {
  const { id: programId } = c.req.valid("param");
  const member = ownProgram(c.get("principal"), programId);
  return c.json(await scheduleAmaAs(c.env, member, requireIdempotencyKey(c), c.req.valid("json")), 201);
});

/**
 * Schedules an AMA hosted by `member` (who passed the scheduleAma gate) under `key`: the API route
 * and the /amas page's form both come here, so a page never schedules by another road.
 */
export async function scheduleAmaAs(env: Env, member: { memberId: string; programId: string }, key: string, body: ScheduleAma) {
  const programId = member.programId;
  const nowMs = Date.now();
  const startsAtMs = Date.parse(body.startsAt);
  if (startsAtMs > nowMs + scheduleAheadMaxMs) throw new ApiError(422, "starts_too_far_ahead", "An AMA can be scheduled at most a year ahead");
  const id = await amaIdFor(programId, key);
  const db = drizzle(env.DB);
  const row: AmaRow = { id, programId, title: body.title, hostMemberId: member.memberId, startsAtMs, plannedMinutes: body.plannedMinutes, status: "scheduled", idempotencyKey: key, createdAt: new Date(nowMs).toISOString() };
  await db.insert(amas).values(row).onConflictDoNothing();
  const [stored] = await db.select().from(amas).where(eq(amas.id, id));
  if (stored.hostMemberId !== member.memberId || stored.title !== body.title || stored.startsAtMs !== startsAtMs || stored.plannedMinutes !== body.plannedMinutes) {
    throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key already scheduled another AMA; send a new key for a new AMA");
  }
  const program = await programContext(env.DB, programId);
  // The room is told its AMA in the same request; a retry of the key tells it again (idempotent).
  await callActor(env.ROOM, id, (room) =>
    room.schedule({ amaId: id, program, hostMemberId: member.memberId, startsAtMs, plannedMs: body.plannedMinutes * 60_000, speakerCap: body.speakerCap ?? speakerCapDefault }),
  );
  return toAma(stored);
}

amaRoutes.openapi(listAmas, async (c) => {
  const { id: programId } = c.req.valid("param");
  ownProgram(c.get("principal"), programId);
  return c.json({ amas: await upcomingAmas(c.env.DB, programId) }, 200);
});

/** Live AMAs and those still to come, soonest first (the API's list and the /amas page). */
export async function upcomingAmas(db: D1Database, programId: string) {
  // An AMA that ended long ago is history, not a listing.
  const rows = await drizzle(db)
    .select()
    .from(amas)
    .where(and(eq(amas.programId, programId), inArray(amas.status, ["scheduled", "live"]), gt(amas.startsAtMs, Date.now() - 24 * 3_600_000)))
    .orderBy(asc(amas.startsAtMs))
    .limit(listLimit);
  return rows.map(toAma);
}

/** The AMA, for a member of its program (another program's AMA answers 404, as if it did not exist). */
export async function amaForMember(db: D1Database, amaId: string, programId: string): Promise<AmaRow> {
  const [row] = await drizzle(db).select().from(amas).where(eq(amas.id, amaId));
  if (!row || row.programId !== programId) throw new ApiError(404, "ama_not_found", `No AMA ${amaId}`);
  return row;
}

export { toAma };
