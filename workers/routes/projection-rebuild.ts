import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireMemberId } from "../members/member-id";
import { rebuildMemberProjection } from "../queues/rebuild-projection";
import { IdParamsSchema, operatorSecurity } from "../schemas/common";

const RebuiltProjectionSchema = z
  .object({
    memberId: z.string(),
    programId: z.string(),
    seq: z.number().int().openapi({ description: "The member's latest event sequence number; D1 now holds at least this snapshot" }),
    settlements: z.number().int().openapi({ description: "Settlement records the actor holds; any missing from D1 were inserted" }),
  })
  .openapi("RebuiltProjection");

const rebuildProjection = createRoute({
  operationId: "rebuildMemberProjection",
  method: "post",
  path: "/{id}/projection/rebuild",
  tags: ["Members"],
  summary: "Rewrite the member's read-side rows (balance, venue stats, settlements) from its actor",
  description:
    "For a read side that lost an event (one that went to the dead-letter queue, or an incident). It overwrites the balance and venue rows with the actor's current snapshot whatever sequence they hold; safe to repeat: settlements insert once by id.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "Rebuilt", content: { "application/json": { schema: RebuiltProjectionSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

export const projectionRebuildRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

projectionRebuildRoutes.openapi(rebuildProjection, async (c) => {
  const { id } = c.req.valid("param");
  const rebuilt = await rebuildMemberProjection(c.env, requireMemberId(id));
  if (!rebuilt) throw new ApiError(404, "member_not_found", `No member ${id}`);
  return c.json(rebuilt, 200);
});
