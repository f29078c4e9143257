import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { settlements } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { findProgram } from "../programs/program-directory";
import { operatorSecurity, IdParamsSchema } from "../schemas/common";

const SettlementSumSchema = z
  .object({
    earningVenueId: z.string().openapi({ description: "Where the points were earned: this venue owes" }),
    redeemingVenueId: z.string().openapi({ description: "Where they were redeemed: this venue is owed" }),
    redemptions: z.number().int(),
    points: z.number().int(),
    valueCents: z.number().int(),
    feeCents: z.number().int(),
  })
  .openapi("SettlementSum");

const listSettlements = createRoute({
  operationId: "listSettlements",
  method: "get",
  path: "/{id}/settlements",
  tags: ["Coalition"],
  summary: "Cross-venue redemptions summed per venue pair (who owes whom), from the read side",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Inclusive; default the beginning" }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive; default now" }),
    }),
  },
  responses: {
    200: { description: "Sums", content: { "application/json": { schema: z.object({ programId: z.string(), from: z.string().nullable(), to: z.string(), pairs: z.array(SettlementSumSchema) }) } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const settlementRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

settlementRoutes.openapi(listSettlements, async (c) => {
  const { id: programId } = c.req.valid("param");
  const { from, to } = c.req.valid("query");
  await findProgram(c.env.DB, programId);
  const toMs = to ? Date.parse(to) : Date.now() + 1;
  const rows = await drizzle(c.env.DB)
    .select({
      earningVenueId: settlements.earningVenueId,
      redeemingVenueId: settlements.redeemingVenueId,
      redemptions: sql<number>`SUM(CASE WHEN ${settlements.points} > 0 THEN 1 ELSE -1 END)`,
      points: sql<number>`SUM(${settlements.points})`,
      valueCents: sql<number>`SUM(${settlements.valueCents})`,
      feeCents: sql<number>`SUM(${settlements.feeCents})`,
    })
    .from(settlements)
    .where(and(eq(settlements.programId, programId), from ? gte(settlements.atMs, Date.parse(from)) : undefined, lt(settlements.atMs, toMs)))
    .groupBy(settlements.earningVenueId, settlements.redeemingVenueId)
    .orderBy(settlements.earningVenueId, settlements.redeemingVenueId);
  return c.json({ programId, from: from ?? null, to: new Date(toMs).toISOString(), pairs: rows }, 200);
});
