import { z } from "@hono/zod-openapi";

/** Bumped when the intent's shape changes; a consumer accepts this version and the previous one (§9). */
export const payoutIntentVersion = 1;

/** A token amount in the token's base units (18 decimals), as a decimal string: JSON numbers lose precision past 2^53. */
export const TokenAmountSchema = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "a whole number of base units, in decimal");

/**
 * One member's reserved payout, cut by the Member actor in the transaction that reserved its points,
 * carried by the member's outbox to the settlement Queue and batched by the ChainSettler. Its id is
 * the natural key everything downstream dedupes on: `${memberId}:${sequence}`.
 */
export const PayoutIntentSchema = z
  .object({
    v: z.literal(payoutIntentVersion),
    intentId: z.string().min(3).max(200),
    memberId: z.string().min(1).max(100),
    programId: z.string().min(1).max(100),
    /** The member's pinned payout wallet when the intent was cut (EIP-55 checksummed). */
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    points: z.number().int().positive(),
    tokenAmount: TokenAmountSchema,
    cutAtMs: z.number().int().nonnegative(),
  })
  .strict();

export type PayoutIntent = z.infer<typeof PayoutIntentSchema>;
