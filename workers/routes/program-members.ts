import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt, or } from "drizzle-orm";
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

const listMembers = createRoute({
  operationId: "listMembers",
  method: "get",
  path: "/{id}/members",
  tags: ["Members"],
  summary: "List a program's members (directory, oldest first)",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: {
    params: IdParamsSchema,
    query: PageQuerySchema,
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
  const { limit, cursor } = c.req.valid("query");
  assertProgramAccess(c.get("principal"), programId);
  await findProgram(c.env.DB, programId);
  const after = cursor ? decodeCursor(cursor, 2) : null;
  const rows = await drizzle(c.env.DB)
    .select()
    .from(members)
    .where(
      and(
        eq(members.programId, programId),
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
