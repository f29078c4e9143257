import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { assertMemberAccess } from "../auth/principal";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { requireMemberId } from "../members/member-id";
import { enforceLimit, signInLimits } from "../middleware/rate-limit";
import { IdParamsSchema, operatorOrVenueSecurity } from "../schemas/common";
import { issueLoginLink } from "../sessions/session-store";

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
