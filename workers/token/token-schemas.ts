import { z } from "@hono/zod-openapi";
import { wholeTokens } from "../../domain/token-settlement/token-units";

/** A token figure twice: exact base units (18 decimals, a decimal string) and whole tokens for people to read. */
export const TokenFigureSchema = z
  .object({
    baseUnits: z.string().openapi({ example: "1500000000000000000", description: "Base units (10^-18 token), exact, as a decimal string" }),
    tokens: z.string().openapi({ example: "1.5", description: "Whole tokens, up to 6 decimals, rounded down: for display" }),
  })
  .openapi("TokenFigure");

export const tokenFigure = (baseUnits: bigint) => ({ baseUnits: baseUnits.toString(), tokens: wholeTokens(baseUnits) });
