import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { MemberProfileSchema } from "../../domain/members/member-profile";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { limitPerClient, signInLimits } from "../middleware/rate-limit";
import { memberSecurity } from "../schemas/common";
import { clearSessionCookie, setSessionCookie } from "../sessions/session-cookie";
import { endSession, sessionLifetimes, startSession, useLoginLink } from "../sessions/session-store";

const useLink = createRoute({
  operationId: "useLoginLink",
  method: "post",
  path: "/login-links/use",
  tags: ["Sessions"],
  summary: "Sign in with a one-time login link: it works once; the answer sets the session cookie",
  security: [],
  middleware: [limitPerClient(signInLimits.perClient)] as const,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ token: z.string().min(16).max(128) }).strict().openapi("UseLoginLink") } } } },
  responses: {
    200: { description: "Signed in (Set-Cookie: loyalty_session)", content: { "application/json": { schema: z.object({ member: MemberProfileSchema, sessionExpiresAt: z.string() }) } } },
    ...errorResponses(400, 404, 413, 422, 429),
  },
});

const logout = createRoute({
  operationId: "logout",
  method: "post",
  path: "/logout",
  tags: ["Sessions"],
  summary: "End this session",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 204: { description: "Signed out; the cookie is cleared" }, ...errorResponses(401, 403) },
});

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

authRoutes.openapi(useLink, async (c) => {
  const { token } = c.req.valid("json");
  const nowMs = Date.now();
  const member = await useLoginLink(c.env.DB, token, nowMs);
  if (!member) throw new ApiError(404, "login_link_invalid", "This login link was already used, has expired or never existed; ask for a new one");
  const [profile, epoch] = await Promise.all([
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile()),
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.sessionEpoch()),
  ]);
  if (profile.status === 404 || epoch === null) throw new ApiError(404, "member_not_found", "This member no longer exists");
  const session = await startSession(c.env.DB, { ...member, epoch }, sessionLifetimes(c.env), nowMs);
  setSessionCookie(c, session.token, session.expiresAtMs);
  return c.json({ member: profile.body, sessionExpiresAt: new Date(session.expiresAtMs).toISOString() }, 200);
});

authRoutes.openapi(logout, async (c) => {
  const principal = c.get("principal");
  if (principal.kind === "member") await endSession(c.env.DB, principal.sessionHash);
  clearSessionCookie(c);
  return c.body(null, 204);
});
