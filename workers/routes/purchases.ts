import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { callActor } from "../ledger/call-actor";
import { IdParamsSchema, venueSecurity } from "../schemas/common";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { requestHash } from "../idempotency/request-hash";
import { actorReply, programContext, venueContext } from "../ledger/contexts";
import { memberOfPurchase } from "../../domain/ids/derived-ids";
import { requireMemberId } from "../members/member-id";
import { BreakdownLineSchema, DryRunQuerySchema, MemberIdSchema, RequiredKeyHeaderSchema, amountCentsMax } from "../schemas/ledger";


const PurchaseSchema = z
  .object({
    memberId: MemberIdSchema,
    amountCents: z.number().int().positive().max(amountCentsMax).openapi({ example: 4000 }),
    items: z
      .array(
        z
          .object({
            sku: z.string().min(1).max(64),
            category: z.string().min(1).max(64).optional(),
            quantity: z.number().int().positive().max(10_000),
            unitCents: z.number().int().min(0).max(amountCentsMax),
          })
          .strict(),
      )
      .max(200)
      .optional(),
    occurredAt: z.iso.datetime({ offset: true }).openapi({ description: "When the visit happened; at most 7 days ago, at most 5 minutes ahead" }),
  })
  .strict()
  .openapi("Purchase");

const PurchaseResultSchema = z
  .object({
    purchaseId: z.string(),
    memberId: z.string(),
    venueId: z.string(),
    amountCents: z.number().int(),
    occurredAt: z.string(),
    status: z.literal("pending"),
    pointsPending: z.number().int(),
    postsAt: z.string(),
    breakdown: z.array(BreakdownLineSchema),
  })
  .openapi("PurchaseResult");

const RefundResultSchema = z
  .object({
    refundId: z.string(),
    purchaseId: z.string(),
    amountCents: z.number().int(),
    refundedCents: z.number().int().openapi({ description: "Refunded so far, this refund included" }),
    purchaseStatus: z.enum(["pending", "posted", "voided"]),
    pointsVoided: z.number().int().openapi({ description: "Pending points voided (refund before posting)" }),
    pointsClawedBack: z.number().int().openapi({ description: "Points taken from the balance (refund after posting)" }),
    debtAdded: z.number().int().openapi({ description: "What the balance could not cover; repaid from future earnings" }),
    debt: z.number().int(),
    balance: z.number().int(),
    tier: z.string().openapi({ description: "The member's tier after the refund: a refund after posting takes its share out of the tier metrics" }),
  })
  .openapi("RefundResult");

const recordPurchase = createRoute({
  operationId: "recordPurchase",
  method: "post",
  path: "/",
  tags: ["Purchases"],
  summary: "Record a purchase: points are pending and post 24 h after it is received",
  security: venueSecurity,
  middleware: [requireAuth({ venue: true })] as const,
  request: {
    headers: RequiredKeyHeaderSchema,
    query: DryRunQuerySchema,
    body: { required: true, content: { "application/json": { schema: PurchaseSchema } } },
  },
  responses: {
    201: { description: "Recorded (or, with dryRun=true, what would be recorded)", content: { "application/json": { schema: PurchaseResultSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422, 429),
  },
});

const refundPurchase = createRoute({
  operationId: "refundPurchase",
  method: "post",
  path: "/{id}/refunds",
  tags: ["Purchases"],
  summary: "Refund part or all of a purchase",
  description: "Before posting the pending points are voided in proportion; after, they are clawed back from the balance (never below zero; the shortfall is recorded as debt).",
  security: venueSecurity,
  middleware: [requireAuth({ venue: true })] as const,
  request: {
    params: IdParamsSchema,
    headers: RequiredKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: z.object({ amountCents: z.number().int().positive().max(amountCentsMax) }).strict().openapi("Refund") } } },
  },
  responses: {
    201: { description: "Refunded", content: { "application/json": { schema: RefundResultSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422, 429),
  },
});

export const purchaseRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

function venuePrincipal(c: { get(key: "principal"): AppEnv["Variables"]["principal"] }) {
  const principal = c.get("principal");
  if (principal.kind !== "venue") throw new ApiError(403, "venue_only", "Purchases are recorded with a venue API key");
  return principal;
}

purchaseRoutes.openapi(recordPurchase, async (c) => {
  const principal = venuePrincipal(c);
  const body = c.req.valid("json");
  const key = requireIdempotencyKey(c);
  requireMemberId(body.memberId);
  const [program, venue] = await Promise.all([programContext(c.env.DB, principal.programId), venueContext(c.env.DB, principal.programId, principal.venueId)]);
  const hash = requestHash("purchase", principal.venueId, body);
  const reply = await callActor(c.env.MEMBER, body.memberId, (member) => member.purchase(
    { v: memberRpcVersion, idempotencyKey: key, requestHash: hash, dryRun: c.req.valid("query").dryRun === "true", program, venue, amountCents: body.amountCents, occurredAt: body.occurredAt },
  ));
  return c.json(actorReply<z.infer<typeof PurchaseResultSchema>>(c, reply), 201);
});

purchaseRoutes.openapi(refundPurchase, async (c) => {
  const principal = venuePrincipal(c);
  const { id: purchaseId } = c.req.valid("param");
  const { amountCents } = c.req.valid("json");
  const key = requireIdempotencyKey(c);
  const memberId = memberOfPurchase(purchaseId);
  if (!memberId) throw new ApiError(404, "purchase_not_found", `No purchase ${purchaseId}`);
  const program = await programContext(c.env.DB, principal.programId);
  // The venue is part of the request: another venue's attempt with the same key is another request.
  const hash = requestHash("refund", `${principal.venueId}\n${purchaseId}`, { amountCents });
  const reply = await callActor(c.env.MEMBER, memberId, (member) => member.refund({ v: memberRpcVersion, idempotencyKey: key, requestHash: hash, program, venueId: principal.venueId, purchaseId, amountCents }));
  return c.json(actorReply<z.infer<typeof RefundResultSchema>>(c, reply), 201);
});
