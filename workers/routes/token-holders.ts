import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { holdRatio } from "../../domain/token-view/holdings";
import { approximateTokens } from "../../domain/token-settlement/token-units";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { findProgram } from "../programs/program-directory";
import { IdParamsSchema, operatorSecurity } from "../schemas/common";
import { NextCursorSchema, decodeCursor, encodeCursor } from "../schemas/paging";
import { TokenFigureSchema, tokenFigure } from "../token/token-schemas";
import { holdersPerPageMax, tokenHolderPage, tokenHolderSummary } from "../token/token-view";

const HoldRatioSchema = z.number().min(0).max(1).nullable().openapi({ description: "Held ÷ received (1: sold nothing); null before anything was received" });

const TokenHolderSchema = z
  .object({ memberId: z.string(), balance: TokenFigureSchema, received: TokenFigureSchema, sent: TokenFigureSchema, holdRatio: HoldRatioSchema, wallets: z.array(z.string()) })
  .openapi("TokenHolder");

const TokenHoldersSchema = z
  .object({
    programId: z.string(),
    summary: z
      .object({
        holders: z.number().int().openapi({ description: "Members whose wallets hold tokens now" }),
        members: z.number().int().openapi({ description: "Members whose wallets ever held tokens" }),
        heldTokens: z.number().openapi({ description: "Whole tokens held now (a float sum, for analytics)" }),
        receivedTokens: z.number(),
        sentTokens: z.number(),
        holdRatio: HoldRatioSchema,
      })
      .openapi("TokenHolderSummary"),
    holders: z.array(TokenHolderSchema),
    nextCursor: NextCursorSchema,
  })
  .openapi("TokenHolders");

const listTokenHolders = createRoute({
  operationId: "listTokenHolders",
  method: "get",
  path: "/{id}/token/holders",
  tags: ["Token"],
  summary: "The program's token holders: totals, the hold-versus-sell ratio, and members' figures (cursor paged, by member id)",
  description: "From the token's Transfer logs, read behind the confirmation depth; a member's figures sum the member's linked wallets.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(holdersPerPageMax).default(50).openapi({ example: 50 }),
      cursor: z.string().max(512).optional().openapi({ description: "nextCursor from the previous page" }),
    }),
  },
  responses: { 200: { description: "Holders", content: { "application/json": { schema: TokenHoldersSchema } } }, ...errorResponses(400, 401, 403, 404, 422) },
});

export const tokenHolderRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

tokenHolderRoutes.openapi(listTokenHolders, async (c) => {
  const { id: programId } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await findProgram(c.env.DB, programId);
  const after = cursor ? decodeCursor(cursor, 1)[0] : null;
  const [summary, page] = await Promise.all([tokenHolderSummary(c.env.DB, programId), tokenHolderPage(c.env.DB, programId, limit, after)]);
  const holders = page.holders.map((holder) => ({
    memberId: holder.memberId,
    balance: tokenFigure(holder.balance),
    received: tokenFigure(holder.received),
    sent: tokenFigure(holder.sent),
    holdRatio: holdRatio(approximateTokens(holder.balance), approximateTokens(holder.received)),
    wallets: holder.wallets.map((wallet) => wallet.address),
  }));
  const last = holders.at(-1);
  return c.json({ programId, summary, holders, nextCursor: page.more && last ? encodeCursor([last.memberId]) : null }, 200);
});
