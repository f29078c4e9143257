import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { enrollmentKeys, members } from "../../db/schema";
import { MemberProfileSchema } from "../../domain/members/member-profile";
import { isValidBirthday } from "../../domain/time/time-zone";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { callActor } from "../ledger/call-actor";
import { assertMemberAccess, assertProgramAccess } from "../auth/principal";
import { requireAuth } from "../auth/require-auth";
import { referrerFor } from "../members/referral-check";
import { communityEnrollmentsPerVenueKey, enforceLimit } from "../middleware/rate-limit";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema, readIdempotencyKey, replayHeader } from "../idempotency/idempotency-key";
import { requestHash } from "../idempotency/request-hash";
import { deriveMemberId, deriveReferralCode, requireMemberId } from "../members/member-id";
import { findProgram } from "../programs/program-directory";
import { TimeZoneSchema, operatorOrVenueSecurity, operatorSecurity, IdParamsSchema } from "../schemas/common";
import { NextCursorSchema, PageQuerySchema, decodeCursor, encodeCursor } from "../schemas/paging";

const EnrollSchema = z
  .object({
    programId: z.string().min(1).max(64).optional().openapi({ description: "Required with the operator token; a venue key implies its program" }),
    externalRef: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Your id for this person (POS customer id); unique within the program. `wallet:…` is reserved for wallet sign-in (422 external_ref_reserved)", example: "pos-customer-1042" }),
    email: z.email().max(254).optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +14155550123").optional(),
    birthday: z.string().refine(isValidBirthday, "must be MM-DD, e.g. 07-14").optional().openapi({ example: "07-14" }),
    timezone: TimeZoneSchema.optional().openapi({ description: "Defaults to the program's time zone" }),
    referralCode: z.string().trim().min(4).max(32).optional().openapi({ description: "Another member's referral code" }),
  })
  .strict()
  .openapi("Enrollment");


const enroll = createRoute({
  operationId: "enroll",
  method: "post",
  path: "/",
  tags: ["Members"],
  summary: "Enroll a member",
  description:
    "Idempotent by Idempotency-Key and by externalRef within the program: enrolling the same externalRef again answers 200 with the existing member. A request needs at least one of the two. A referral code records exactly one referrer: 422 unknown_referral_code, self_referral (same member, external ref, email or phone), referral_cycle; 409 referrer_already_set for an existing member and another referrer. A community program's member gets the join bonus on enrollment.",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: EnrollSchema } } },
  },
  responses: {
    201: { description: "Enrolled", content: { "application/json": { schema: MemberProfileSchema } } },
    200: { description: "Already enrolled (same externalRef): the existing member", content: { "application/json": { schema: MemberProfileSchema } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 422, 429),
  },
});

export const MemberViewSchema = MemberProfileSchema.extend({
  points: z.object({
    available: z.number().int(),
    pending: z.number().int().openapi({ description: "Not spendable yet: purchases waiting to post, and what an unverified member earned without effort (see unlock)" }),
    unlock: z
      .object({ points: z.number().int(), message: z.string() })
      .nullable()
      .openapi({ description: "Points held until the member's first qualifying action (§7a: an AMA, an event or chat; a venue member's first purchase), and what unlocks them" }),
    lifetime: z.number().int(),
    debt: z.number().int().openapi({ description: "Refunded points the balance could not cover; repaid from future earnings" }),
    pendingPostings: z
      .array(z.object({ purchaseId: z.string(), venueId: z.string(), points: z.number().int(), postsAt: z.string() }))
      .openapi({ description: "Pending points by purchase, soonest first (up to 20), each with the time it posts" }),
    expiringSoon: z.array(z.object({ points: z.number().int(), expiresAt: z.string() })),
  }),
  visits: z.number().int(),
  lifetimeSpendCents: z.number().int(),
  streak: z
    .object({ current: z.number().int(), longest: z.number().int(), lastClaimDay: z.string().nullable().openapi({ description: "YYYY-MM-DD in the member's time zone" }) })
    .openapi({ description: "The daily streak (community programs); current is 0 once a local day was missed" }),
  week: z
    .object({
      week: z.string().openapi({ example: "2026-W48" }),
      features: z.array(z.enum(["voice", "chat", "events", "streak"])),
      multiplier: z.number(),
      activity: z.object({ amaCount: z.number().int(), chatDays: z.number().int(), eventCount: z.number().int(), streakDays: z.number().int() }),
    })
    .nullable()
    .openapi({ description: "Community programs: this ISO week (member's zone), its active features and the cross-feature multiplier" }),
  verified: z.boolean().openapi({ description: "Whether the member's first qualifying action happened (§7a); until then effortless credits are held" }),
  referrals: z
    .object({ count: z.number().int(), pending: z.number().int(), pointsEarned: z.number().int() })
    .openapi({ description: "count: referred members who completed their first qualifying action; pending: referred members who joined and have not yet; pointsEarned: points paid for referrals (both levels)" }),
  nextTier: z.array(
    z.object({ tier: z.string(), metric: z.enum(["lifetimePoints", "lifetimeSpendCents", "visits"]), current: z.number(), required: z.number(), remaining: z.number() }),
  ),
  tokens: z
    .object({
      reservedPoints: z.number().int().openapi({ description: "Points reserved for payouts not settled yet (already out of available)" }),
      settledPoints: z.number().int(),
      reservedTokenAmount: z.string().openapi({ description: "Base units (18 decimals), decimal string" }),
      settledTokenAmount: z.string().openapi({ description: "Base units (18 decimals) the chain settled to the member" }),
      payoutWallet: z.string().nullable().openapi({ description: "The pinned payout wallet in effect now" }),
    })
    .openapi({ description: "Points that became the program's token (issue 23)" }),
}).openapi("MemberView");

export const LedgerEntrySchema = z
  .object({
    seq: z.number().int(),
    kind: z.enum(["earn", "post", "redeem", "expire", "refund", "adjust", "settle", "action"]).openapi({ description: "action: a community credit (detail: kind, sourceId, base, tierMultiplier, weeklyMultiplier, features)" }),
    delta: z.number().int().openapi({ description: "Change to the available balance" }),
    pendingDelta: z.number().int().openapi({ description: "Change to pending points" }),
    balanceAfter: z.number().int(),
    ref: z.string().nullable(),
    venueId: z.string().nullable(),
    detail: z.record(z.string(), z.any()).nullable().openapi({ type: "object" }),
    at: z.string(),
  })
  .openapi("LedgerEntry");

const getMember = createRoute({
  operationId: "getMember",
  method: "get",
  path: "/{id}",
  tags: ["Members"],
  summary: "A member: tier, points (available, pending, lifetime, expiring soon) and next-tier progress",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "The member", content: { "application/json": { schema: MemberViewSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const getLedger = createRoute({
  operationId: "getLedger",
  method: "get",
  path: "/{id}/ledger",
  tags: ["Members"],
  summary: "The member's journal, newest first (cursor paged)",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: IdParamsSchema, query: PageQuerySchema },
  responses: {
    200: { description: "Entries", content: { "application/json": { schema: z.object({ entries: z.array(LedgerEntrySchema), nextCursor: NextCursorSchema }) } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

const getActorStats = createRoute({
  operationId: "getActorStats",
  method: "get",
  path: "/{id}/actor-stats",
  tags: ["Members"],
  summary: "SQL statements and rows the member's actor has run since it started (operations, benchmarks)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "Counters", content: { "application/json": { schema: z.object({ statements: z.number().int(), rowsRead: z.number().int(), rowsWritten: z.number().int() }) } } },
    ...errorResponses(401, 403, 404),
  },
});

const walletRefPattern = /^wallet:/i;

export const memberRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

memberRoutes.openapi(enroll, async (c) => {
  const body = c.req.valid("json");
  const principal = c.get("principal");
  const programId = body.programId ?? (principal.kind === "venue" ? principal.programId : undefined);
  if (!programId) throw new ApiError(422, "validation_failed", "programId is required with the operator token", { fields: [{ path: "programId", message: "Required" }] });
  assertProgramAccess(principal, programId);
  // A wallet's member is `wallet:<address>`, made only by that wallet's signed sign-in: a key that
  // could enroll it first would own the wallet's identity (and its referral) before the wallet came.
  if (body.externalRef && walletRefPattern.test(body.externalRef)) {
    throw new ApiError(422, "external_ref_reserved", "externalRef values starting with wallet: are reserved for members who sign in with that wallet; use your own id for this person", {
      fields: [{ path: "externalRef", message: "reserved prefix wallet:" }],
    });
  }

  const idempotencyKey = readIdempotencyKey(c);
  if (!idempotencyKey && !body.externalRef) {
    throw new ApiError(400, "idempotency_key_missing", "Send an Idempotency-Key header or an externalRef so a retry cannot enroll the person twice");
  }
  const hash = requestHash("enroll_member", programId, { ...body, programId });
  const db = drizzle(c.env.DB);
  if (idempotencyKey) {
    const [earlier] = await db
      .select()
      .from(enrollmentKeys)
      .where(and(eq(enrollmentKeys.programId, programId), eq(enrollmentKeys.idempotencyKey, idempotencyKey)));
    if (earlier && earlier.requestHash !== hash) {
      throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was already used with a different request");
    }
  }

  const program = await findProgram(c.env.DB, programId);
  if (principal.kind === "venue" && program.config.community) await enforceLimit(c.env, communityEnrollmentsPerVenueKey, principal.keyId);
  const memberId = deriveMemberId(programId, body.externalRef ? { externalRef: body.externalRef } : { idempotencyKey: idempotencyKey! });
  const joiner = { id: memberId, externalRef: body.externalRef ?? null, email: body.email ?? null, phone: body.phone ?? null };
  const referredBy = body.referralCode ? await referrerFor(c.env.DB, programId, body.referralCode, joiner) : null;
  const referralCode = deriveReferralCode(memberId);
  const reply = await callActor(c.env.MEMBER, memberId, (member) => member.enroll({
    v: memberRpcVersion,
    idempotencyKey,
    requestHash: hash,
    request: {
      id: memberId,
      programId,
      externalRef: body.externalRef ?? null,
      email: body.email ?? null,
      phone: body.phone ?? null,
      birthday: body.birthday ?? null,
      timezone: body.timezone ?? program.config.timezone,
      referralCode,
      referredBy,
      tier: program.config.tiers[0].code,
      enrolledVia: principal.kind === "venue" ? principal.venueId : "operator",
    },
    program: { id: program.id, config: program.config },
  }));
  if ("error" in reply.body) throw new ApiError(reply.status as 409 | 422, reply.body.error.code, reply.body.error.message);

  // The directory copy is written after the actor decided; a retry after a crash here rewrites it.
  const profile = reply.body;
  await db.batch([
    db.insert(members).values(profile).onConflictDoNothing(),
    ...(idempotencyKey
      ? [db.insert(enrollmentKeys).values({ programId, idempotencyKey, requestHash: hash, memberId, createdAt: profile.enrolledAt }).onConflictDoNothing()]
      : []),
  ]);
  if (reply.replayed) c.header(replayHeader, "true");
  return c.json(profile, reply.status as 200 | 201);
});

memberRoutes.openapi(getMember, async (c) => {
  const { id } = c.req.valid("param");
  requireMemberId(id);
  const reply = await callActor(c.env.MEMBER, id, (member) => member.view());
  if (reply.status === 404) throw new ApiError(404, "member_not_found", `No member ${id}`);
  assertMemberAccess(c.get("principal"), reply.body.programId, id);
  return c.json(reply.body, 200);
});

memberRoutes.openapi(getActorStats, async (c) => {
  const { id } = c.req.valid("param");
  requireMemberId(id);
  return c.json(await callActor(c.env.MEMBER, id, (member) => member.sqlStats()), 200);
});

memberRoutes.openapi(getLedger, async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  requireMemberId(id);
  const beforeSeq = cursor ? Number(decodeCursor(cursor, 1)[0]) : null;
  const page = await callActor(c.env.MEMBER, id, (member) => member.ledger(limit, beforeSeq));
  if (!page) throw new ApiError(404, "member_not_found", `No member ${id}`);
  assertMemberAccess(c.get("principal"), page.programId, id);
  return c.json({ entries: page.entries, nextCursor: page.nextBeforeSeq === null ? null : encodeCursor([String(page.nextBeforeSeq)]) }, 200);
});
