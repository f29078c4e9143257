import { z } from "@hono/zod-openapi";

export const amountCentsMax = 10_000_000; // $100,000: larger tickets are an input error, not a purchase

export const DryRunQuerySchema = z.object({
  dryRun: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "true: answer exactly what the call would (points, eligibility or the 422 code) and write nothing" }),
});

export const RequiredKeyHeaderSchema = z.object({
  "idempotency-key": z.string().optional().openapi({ param: { required: true }, description: "Unique per logical request (a UUID); retries reuse it", example: "0b6f5a4e-1f7c-4c1a-9a55-3a8f2a9d7e21" }),
});

export const BreakdownLineSchema = z
  .object({
    kind: z.enum(["base", "tier_multiplier", "campaign_multiplier", "first_visit_bonus", "birthday_bonus"]),
    points: z.number().int(),
    detail: z.string(),
  })
  .openapi("BreakdownLine");

export const MemberIdSchema = z.string().min(1).max(64).openapi({ example: "mem_3k9x0c7w2h4m8q1t5v6b9n2d" });
