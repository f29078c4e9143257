import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { members } from "../../db/schema";
import { MemberProfileSchema } from "../../domain/members/member-profile";
import type { AppEnv } from "../app-env";
import { assertProgramAccess } from "../auth/principal";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { findProgram } from "../programs/program-directory";
import { operatorOrVenueSecurity, IdParamsSchema } from "../schemas/common";
import { NextCursorSchema, PageQuerySchema, decodeCursor, encodeCursor } from "../schemas/paging";

const DirectoryMemberSchema = MemberProfileSchema.omit({ tier: true }).openapi("DirectoryMember");

// Hono decodes a bare "+" in a query string as a space (form encoding), and every E.164 number
// starts with one: a client that forgets %2B still finds the member. Spaces are never valid in either.
const plusFromForm = (value: string) => value.replace(/ /g, "+");

/** Exact-match kiosk look-ups, normalised as enrollment stores them; together they narrow (AND). */
const MemberLookupQuerySchema = PageQuerySchema.extend({
  referralCode: z.string().trim().min(4).max(32).toUpperCase().optional().openapi({ description: "A member's referral code, any case", example: "K7Q2M9XH4D" }),
  phone: z
    .string()
    .overwrite((value) => plusFromForm(value).trim())
    .regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +14155550123")
    .optional()
    .openapi({ description: "E.164; send the + as %2B", example: "+14155550123" }),
  email: z
    .string()
    .trim()
    .overwrite(plusFromForm)
    .check(z.email())
    .max(254)
    .toLowerCase()
    .optional()
    .openapi({ description: "Matched without regard to case", example: "anna@example.com" }),
  externalRef: z.string().trim().min(1).max(128).optional().openapi({ description: "Your id for this person (POS customer id)", example: "pos-customer-1042" }),
});

const listMembers = createRoute({
  operationId: "listMembers",
  method: "get",
  path: "/{id}/members",
  tags: ["Members"],
  summary: "List or look up a program's members (directory, oldest first)",
  description:
    "Without filters, every member a page at a time. For kiosk look-ups, filter by exact referralCode, phone, email or externalRef; " +
    "several filters must all match. referralCode and email are matched without regard to case. No match is an empty list, not 404.",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: {
    params: IdParamsSchema,
    query: MemberLookupQuerySchema,
  },
  responses: {
    200: {
      description: "A page of members",
      content: { "application/json": { schema: z.object({ members: z.array(DirectoryMemberSchema), nextCursor: NextCursorSchema }) } },
    },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

/** Mounted under /v1/programs. Reads the D1 directory; the actor holds each member's live state. */
export const programMemberRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

programMemberRoutes.openapi(listMembers, async (c) => {
  const { id: programId } = c.req.valid("param");
  const { limit, cursor, referralCode, phone, email, externalRef } = c.req.valid("query");
  assertProgramAccess(c.get("principal"), programId);
  await findProgram(c.env.DB, programId);
  const after = cursor ? decodeCursor(cursor, 2) : null;
  const rows = await drizzle(c.env.DB)
    .select()
    .from(members)
    .where(
      and(
        eq(members.programId, programId),
        referralCode ? eq(members.referralCode, referralCode) : undefined,
        phone ? eq(members.phone, phone) : undefined,
        // lower(email) as in members_program_email_idx, so the index serves it; email is lower-cased.
        email ? eq(sql`lower(${members.email})`, email) : undefined,
        externalRef ? eq(members.externalRef, externalRef) : undefined,
        after ? or(gt(members.enrolledAt, after[0]), and(eq(members.enrolledAt, after[0]), gt(members.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(members.enrolledAt), asc(members.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit ? encodeCursor([last.enrolledAt, last.id]) : null;
  return c.json({ members: page, nextCursor }, 200);
});
