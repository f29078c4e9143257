import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { memberLabel } from "../../domain/members/member-label";
import { assertMemberAccess } from "../auth/principal";
import { requireAuth } from "../auth/require-auth";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { requireMemberId } from "../members/member-id";
import { enforceLimit, limitPerClient, signInLimits } from "../middleware/rate-limit";
import { IdParamsSchema, operatorOrVenueSecurity } from "../schemas/common";
import { findUsableLoginLink, issueLoginLink } from "../sessions/session-store";

const LoginLinkSchema = z
  .object({
    url: z.string().openapi({ description: "Open it on the member's phone (a kiosk shows it as a QR code); it works once", example: "https://app.example/login#tok" }),
    token: z.string().openapi({ description: "The link's one-time token, for clients that sign in through the API" }),
    expiresAt: z.string(),
  })
  .openapi("LoginLink");

const createLoginLink = createRoute({
  operationId: "createLoginLink",
  method: "post",
  path: "/{id}/login-links",
  tags: ["Sessions"],
  summary: "A one-time login link for a member: single use, 10 minutes, stored hashed",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: IdParamsSchema },
  responses: { 201: { description: "Issued", content: { "application/json": { schema: LoginLinkSchema } } }, ...errorResponses(401, 403, 404, 429) },
});

export const loginLinkRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

loginLinkRoutes.openapi(createLoginLink, async (c) => {
  const { id } = c.req.valid("param");
  const principal = c.get("principal");
  requireMemberId(id);
  const profile = await callActor(c.env.MEMBER, id, (member) => member.profile());
  if (profile.status === 404) throw new ApiError(404, "member_not_found", `No member ${id}`);
  assertMemberAccess(principal, profile.body.programId, id);
  await enforceLimit(c.env, signInLimits.perMember, id);
  const createdBy = principal.kind === "venue" ? principal.venueId : "operator";
  const link = await issueLoginLink(c.env.DB, { memberId: id, programId: profile.body.programId, createdBy }, Date.now());
  // The token rides in the fragment: it never reaches a server log or a Referer header.
  return c.json({ url: `${c.env.APP_ORIGIN}/login#${link.token}`, token: link.token, expiresAt: new Date(link.expiresAtMs).toISOString() }, 201);
});

const LoginLinkCheckSchema = z
  .object({
    member: z.object({ label: z.string().openapi({ example: "a•••@example.com" }) }).openapi({ description: "Whom the link signs in" }),
    signedInAs: z
      .object({ label: z.string(), sameMember: z.boolean() })
      .nullable()
      .openapi({ description: "The member this browser's session already belongs to (null: none): a page asks before it switches" }),
  })
  .openapi("LoginLinkCheck");

const checkLink = createRoute({
  operationId: "checkLoginLink",
  method: "post",
  path: "/login-links/check",
  tags: ["Sessions"],
  summary: "Whom a login link would sign in, without using it: the /login page shows it and asks for a press first, so a link scanner uses nothing up",
  description: "Counts toward the same per-client limit as using a link, so guessing tokens here is no cheaper.",
  security: [],
  middleware: [limitPerClient(signInLimits.loginLinkUse)] as const,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ token: z.string().min(16).max(128) }).strict().openapi("CheckLoginLink") } } } },
  responses: { 200: { description: "The link works", content: { "application/json": { schema: LoginLinkCheckSchema } } }, ...errorResponses(400, 404, 413, 422, 429) },
});

/** Mounted under /v1/auth, beside the route that uses a link. */
export const loginLinkCheckRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

loginLinkCheckRoutes.openapi(checkLink, async (c) => {
  const { token } = c.req.valid("json");
  const link = await findUsableLoginLink(c.env.DB, token, Date.now());
  const profile = link ? await callActor(c.env.MEMBER, link.memberId, (member) => member.profile()) : null;
  if (!link || !profile || profile.status === 404) {
    throw new ApiError(404, "login_link_invalid", "This login link was already used, has expired, was ended by signing out everywhere, or never existed; ask for a new one");
  }
  const current = await currentMember(c);
  const currentProfile = current && current !== link.memberId ? await callActor(c.env.MEMBER, current, (member) => member.profile()) : null;
  const signedInAs = !current ? null : current === link.memberId ? { label: memberLabel(profile.body), sameMember: true } : currentProfile?.status === 200 ? { label: memberLabel(currentProfile.body), sameMember: false } : null;
  return c.json({ member: { label: memberLabel(profile.body) }, signedInAs }, 200);
});

/** The member this request's session cookie stands for, if it is live; no session is not an error here. */
async function currentMember(c: Context<AppEnv>): Promise<string | null> {
  let memberId: string | null = null;
  try {
    await requireMember()(c, async () => {
      const principal = c.get("principal");
      if (principal.kind === "member") memberId = principal.memberId;
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  }
  return memberId;
}
