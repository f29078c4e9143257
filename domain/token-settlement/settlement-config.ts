import { z } from "@hono/zod-openapi";
import { TokenAmountSchema } from "./payout-intent";

/** Bounds of a program's settlement setting. */
export const settleKindsMax = 50;
export const relinkCoolingOffHoursMax = 30 * 24;
export const payoutPointsMax = 100_000_000;

/** A credit kind that settles: a community action kind, or `purchase` for points earned at venues. */
const SettleKindSchema = z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, "credit kinds are lower_snake_case, such as voice_ama or purchase");

/**
 * Which points become tokens, at what rate and in what amounts (issue 23). Absent: the program does
 * not settle. A day is the member's local day, as every other daily rule.
 */
export const TokenSettlementSchema = z
  .object({
    /** The credit kinds whose points settle; points of other kinds (and lots older than issue 23) stay points. */
    kinds: z.array(SettleKindSchema).min(1, "name at least one credit kind that settles, such as voice_ama or purchase").max(settleKindsMax),
    /** Token base units (18 decimals) paid per point, e.g. "10000000000000000" for 0.01 token. */
    tokenUnitsPerPoint: TokenAmountSchema.refine((units) => units !== "0", "must be more than 0 base units per point"),
    /** The smallest payout, in points: fewer settleable points stay until there are enough. */
    minPayoutPoints: z.number().int().min(1).max(payoutPointsMax),
    /** At most this many points settle per member per local day. */
    dailyCeilingPoints: z.number().int().min(1).max(payoutPointsMax),
    /** Hours before a changed payout wallet takes effect (the first pin takes effect at once). */
    relinkCoolingOffHours: z.number().int().min(0).max(relinkCoolingOffHoursMax).default(24),
  })
  .strict()
  .refine((settlement) => settlement.dailyCeilingPoints >= settlement.minPayoutPoints, {
    message: "dailyCeilingPoints is below minPayoutPoints, so no payout could ever be cut; raise the ceiling or lower the minimum",
    path: ["dailyCeilingPoints"],
  })
  .openapi("TokenSettlement");

export type TokenSettlementRules = z.infer<typeof TokenSettlementSchema>;
