import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { memberSecurity } from "../schemas/common";
import { TokenFigureSchema, tokenFigure } from "../token/token-schemas";
import { memberTokenFigures } from "../token/token-view";
import { signedInMember } from "./me";

const MyTokenSchema = z
  .object({
    memberId: z.string(),
    balance: TokenFigureSchema,
    received: TokenFigureSchema.openapi({ description: "Everything that came in: settlements (mints) and transfers from others" }),
    sent: TokenFigureSchema,
    wallets: z.array(z.object({ address: z.string(), balance: TokenFigureSchema })).openapi({ description: "The member's linked wallets that ever held the token" }),
    asOfBlock: z.number().int().nullable().openapi({ description: "The newest block these figures include (null: no token activity yet)" }),
  })
  .openapi("MyToken");

const getMyToken = createRoute({
  operationId: "getMyToken",
  method: "get",
  path: "/token",
  tags: ["Me"],
  summary: "The signed-in member's reward tokens on chain: balance, received and sent over the member's wallets",
  description:
    "Read from the token's Transfer logs behind the confirmation depth (CHAIN_EVENTS_CONFIRMATIONS), so a settlement shows here a few blocks after it is mined.",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "The member's token figures", content: { "application/json": { schema: MyTokenSchema } } }, ...errorResponses(401) },
});

export const meTokenRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meTokenRoutes.openapi(getMyToken, async (c) => {
  const { memberId, programId } = signedInMember(c.get("principal"));
  const figures = await memberTokenFigures(c.env.DB, programId, memberId);
  return c.json(
    {
      memberId,
      balance: tokenFigure(figures.balance),
      received: tokenFigure(figures.received),
      sent: tokenFigure(figures.sent),
      wallets: figures.wallets.map((wallet) => ({ address: wallet.address, balance: tokenFigure(wallet.balance) })),
      asOfBlock: figures.asOfBlock,
    },
    200,
  );
});
