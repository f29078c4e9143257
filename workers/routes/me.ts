import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import type { Principal } from "../auth/principal";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { memberSecurity } from "../schemas/common";
import { NextCursorSchema, PageQuerySchema, decodeCursor, encodeCursor } from "../schemas/paging";
import { clearSessionCookie } from "../sessions/session-cookie";
import { endSessionsAndLinks } from "../sessions/sign-out-everywhere";
import { LedgerEntrySchema, MemberViewSchema } from "./members";

const getMe = createRoute({
  operationId: "getMe",
  method: "get",
  path: "/",
  tags: ["Me"],
  summary: "The signed-in member: tier, points (available, pending, lifetime, expiring soon) and next-tier progress",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "The member", content: { "application/json": { schema: MemberViewSchema } } }, ...errorResponses(401) },
});

const getMyLedger = createRoute({
  operationId: "getMyLedger",
  method: "get",
  path: "/ledger",
  tags: ["Me"],
  summary: "The signed-in member's journal, newest first (cursor paged)",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { query: PageQuerySchema },
  responses: { 200: { description: "Entries", content: { "application/json": { schema: z.object({ entries: z.array(LedgerEntrySchema), nextCursor: NextCursorSchema }) } } }, ...errorResponses(400, 401, 422) },
});

const signOutEverywhere = createRoute({
  operationId: "signOutEverywhere",
  method: "post",
  path: "/sign-out-everywhere",
  tags: ["Me"],
  summary: "End every session of the signed-in member, on every device (one write in the member's actor), and every login link issued for them",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 204: { description: "Every session ended; this cookie is cleared" }, ...errorResponses(401, 403) },
});

export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

/** The signed-in member (routes behind `requireMember` always have one). */
export function signedInMember(principal: Principal): { memberId: string; programId: string } {
  if (principal.kind !== "member") throw new ApiError(401, "unauthorized", "Sign in first: this route needs a member session");
  return principal;
}

const memberOf = (principal: Principal) => signedInMember(principal).memberId;

meRoutes.openapi(getMe, async (c) => {
  const memberId = memberOf(c.get("principal"));
  const reply = await callActor(c.env.MEMBER, memberId, (member) => member.view());
  if (reply.status === 404) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json(reply.body, 200);
});

meRoutes.openapi(getMyLedger, async (c) => {
  const memberId = memberOf(c.get("principal"));
  const { limit, cursor } = c.req.valid("query");
  const beforeSeq = cursor ? Number(decodeCursor(cursor, 1)[0]) : null;
  const page = await callActor(c.env.MEMBER, memberId, (member) => member.ledger(limit, beforeSeq));
  if (!page) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json({ entries: page.entries, nextCursor: page.nextBeforeSeq === null ? null : encodeCursor([String(page.nextBeforeSeq)]) }, 200);
});

meRoutes.openapi(signOutEverywhere, async (c) => {
  const memberId = memberOf(c.get("principal"));
  await endSessionsAndLinks(c.env, memberId);
  clearSessionCookie(c);
  return c.body(null, 204);
});
