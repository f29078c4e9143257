import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { chainSettlerName } from "../../durable-objects/chain-settler/settler-name";
import { chainSettlementsPageMax } from "../../durable-objects/chain-settler/settler-views";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { findProgram } from "../programs/program-directory";
import { IdParamsSchema, operatorSecurity } from "../schemas/common";
import { NextCursorSchema, decodeCursor, encodeCursor } from "../schemas/paging";

// "Settlements" alone are coalition venue-to-venue sums (routes/settlements.ts); token payouts are "chain settlements".
const TokenAmount = z.string().openapi({ description: "Token base units (18 decimals), as a decimal string", example: "1000000000000000000" });

const ChainTransactionSchema = z
  .object({
    hash: z.string(),
    nonce: z.number().int(),
    settlementId: z.number().int().openapi({ description: "The settlement id this transaction carried (a retry after the counter moved carries the next)" }),
    maxFeePerGas: z.string().openapi({ description: "wei" }),
    maxPriorityFeePerGas: z.string().openapi({ description: "wei" }),
    sentAt: z.string().nullable().openapi({ description: "When the node accepted it; null while the broadcast's outcome is unknown" }),
    lastError: z.string().nullable().openapi({ description: "fee_too_low, nonce_taken, unreachable or rejected" }),
  })
  .openapi("ChainTransaction");

const ChainSettlementSchema = z
  .object({
    batchId: z.number().int(),
    settlementId: z.number().int().nullable().openapi({ description: "The token's settlement id; null until first signed" }),
    state: z.enum(["cut", "sent", "mined", "final", "abandoned"]),
    transactions: z.array(ChainTransactionSchema).openapi({ description: "Every transaction signed for this settlement, oldest first" }),
    finalTxHash: z.string().nullable(),
    gasUsed: z.number().int().nullable(),
    blockNumber: z.number().int().nullable(),
    recipientCount: z.number().int(),
    programRecipientCount: z.number().int().openapi({ description: "Recipients of this program in the batch (a batch may pay several programs)" }),
    totalTokenAmount: TokenAmount,
    programTokenAmount: TokenAmount,
    createdAt: z.string(),
    finalAt: z.string().nullable(),
    abandonedReason: z.string().nullable(),
  })
  .openapi("ChainSettlement");

const ReconciliationSchema = z
  .object({
    runId: z.number().int(),
    scope: z.string().openapi({ description: "`all` (the cron's run over every member) or `settlement N`" }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    membersChecked: z.number().int(),
    membersUnreachable: z.number().int(),
    differences: z.array(
      z.object({
        kind: z.enum(["member", "batch"]),
        memberId: z.string().nullable(),
        chainPlusUnsettled: TokenAmount.nullable(),
        ledger: TokenAmount.nullable(),
        onChain: TokenAmount.nullable(),
        unsettled: TokenAmount.nullable(),
        settlementIds: z.array(z.number().int()),
        detail: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi("ChainReconciliation");

const listChainSettlements = createRoute({
  operationId: "listChainSettlements",
  method: "get",
  path: "/{id}/settlements/chain",
  tags: ["Token settlement"],
  summary: "The program's on-chain token settlements, newest first (cursor paged): state, every transaction sent, gas used, recipients",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(chainSettlementsPageMax).default(20),
      cursor: z.string().max(512).optional().openapi({ description: "nextCursor from the previous page" }),
    }),
  },
  responses: {
    200: { description: "Settlements", content: { "application/json": { schema: z.object({ programId: z.string(), settlements: z.array(ChainSettlementSchema), nextCursor: NextCursorSchema }) } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

const getReconciliation = createRoute({
  operationId: "getChainReconciliation",
  method: "get",
  path: "/{id}/settlements/chain/reconciliation",
  tags: ["Token settlement"],
  summary: "The last reconciliation of ledger and chain (members checked across the deployment, this program's differences); differences are reported, never corrected",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "The last run, or null before the first", content: { "application/json": { schema: z.object({ programId: z.string(), reconciliation: ReconciliationSchema.nullable() }) } } },
    ...errorResponses(401, 403, 404),
  },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const chainSettlementRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

chainSettlementRoutes.openapi(listChainSettlements, async (c) => {
  const { id: programId } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await findProgram(c.env.DB, programId);
  const before = cursor ? Number(decodeCursor(cursor, 1)[0]) : null;
  const page = await callActor(c.env.CHAIN_SETTLER, chainSettlerName, (settler) => settler.chainSettlements(programId, before, limit));
  const settlements = page.items.map(({ createdAtMs, finalAtMs, transactions, ...item }) => ({
    ...item,
    transactions: transactions.map(({ sentAtMs, ...transaction }) => ({ ...transaction, sentAt: iso(sentAtMs) })),
    createdAt: iso(createdAtMs)!,
    finalAt: iso(finalAtMs),
  }));
  return c.json({ programId, settlements, nextCursor: page.nextCursor === null ? null : encodeCursor([String(page.nextCursor)]) }, 200);
});

chainSettlementRoutes.openapi(getReconciliation, async (c) => {
  const { id: programId } = c.req.valid("param");
  await findProgram(c.env.DB, programId);
  const run = await callActor(c.env.CHAIN_SETTLER, chainSettlerName, (settler) => settler.lastReconciliation(programId));
  const reconciliation = run && {
    runId: run.runId,
    scope: run.scope,
    startedAt: iso(run.startedAtMs)!,
    finishedAt: iso(run.finishedAtMs),
    membersChecked: run.membersChecked,
    membersUnreachable: run.membersUnreachable,
    differences: run.differences.map(({ atMs, ...difference }) => ({ ...difference, at: iso(atMs)! })),
  };
  return c.json({ programId, reconciliation }, 200);
});
