import type { ExpiryPolicySchema } from "../programs/program-config";
import { monthsAfter } from "../time/calendar";
import type { z } from "@hono/zod-openapi";

type ExpiryPolicy = z.infer<typeof ExpiryPolicySchema>;
const dayMs = 86_400_000;

/** When a lot posted at `postedAt` expires under an after-earning policy (other policies: never per lot). */
export function lotExpiresAt(policy: ExpiryPolicy, postedAt: Date): Date | null {
  return policy.mode === "after_earning" ? monthsAfter(postedAt, policy.months) : null;
}

/** Under an inactivity policy every lot expires together, `months` after the last activity. */
export function inactivityDeadline(policy: ExpiryPolicy, lastActivityAt: Date | null): Date | null {
  if (policy.mode !== "after_inactivity" || !lastActivityAt) return null;
  return monthsAfter(lastActivityAt, policy.months);
}

export function warningAt(policy: ExpiryPolicy, expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - policy.warningDays * dayMs);
}

/** With `lowestTierOnly`, members above the lowest tier keep their points. */
export function expiryApplies(policy: ExpiryPolicy, tierIndex: number): boolean {
  return policy.mode !== "none" && (!policy.lowestTierOnly || tierIndex === 0);
}
