import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { actorReply, programContext } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { IdParamsSchema, operatorSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";

const adjustmentPointsMax = 10_000_000;

const AdjustmentSchema = z
  .object({
    points: z
      .number()
      .int()
      .min(-adjustmentPointsMax)
      .max(adjustmentPointsMax)
      .refine((points) => points !== 0, "must not be 0: a credit is positive, a debit negative")
      .openapi({ example: 250 }),
    reason: z.string().trim().min(3).max(500).openapi({ description: "Why, in words customer service and the member will read", example: "Goodwill: order arrived cold" }),
    qualifies: z.boolean().optional().openapi({
      description: "Whether these points count toward tiers (default: the program's earn.adjustmentsQualify). A debit that qualifies takes earned points back: lifetime points fall and the tier is re-evaluated at once.",
    }),
  })
  .strict()
  .openapi("Adjustment");

const AdjustmentResultSchema = z
  .object({
    adjustmentId: z.string(),
    memberId: z.string(),
    points: z.number().int(),
    reason: z.string(),
    repaidDebt: z.number().int().openapi({ description: "Of a credit, what went to repay debt first" }),
    balance: z.number().int(),
    debt: z.number().int(),
    tier: z.string(),
  })
  .openapi("AdjustmentResult");

const adjust = createRoute({
  operationId: "adjustPoints",
  method: "post",
  path: "/{id}/adjustments",
  tags: ["Members"],
  summary: "Grant goodwill points or correct a mistake: a journal entry with its reason",
  description:
    "A credit repays debt first; it counts toward tiers when `qualifies` (default: the program's earn.adjustmentsQualify). A debit never overdraws (422 insufficient_points); a qualifying debit also lowers lifetime points and the tier at once.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, headers: RequiredKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: AdjustmentSchema } } } },
  responses: {
    201: { description: "Adjusted", content: { "application/json": { schema: AdjustmentResultSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422, 429),
  },
});

export const adjustmentRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

adjustmentRoutes.openapi(adjust, async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const key = requireIdempotencyKey(c);
  requireMemberId(id);
  const profile = await callActor(c.env.MEMBER, id, (member) => member.profile());
  if (profile.status === 404) throw new ApiError(404, "member_not_found", `No member ${id}`);
  const program = await programContext(c.env.DB, profile.body.programId);
  const hash = requestHash("adjust", id, body);
  const reply = await callActor(c.env.MEMBER, id, (member) => member.adjust({ v: memberRpcVersion, idempotencyKey: key, requestHash: hash, program, ...body }));
  return c.json(actorReply<z.infer<typeof AdjustmentResultSchema>>(c, reply), 201);
});
