import { tierAfterPosting } from "../../domain/tiers/qualification";
import type { Counters } from "./ledger-store";
import type { WriteContext } from "./write-context";

/** After points that qualify (an adjustment that counts, a community credit): the tier rises at once if the metrics reach the next. */
export function raiseTierAfterCredit(ctx: WriteContext, counters: Counters = ctx.store.counters()): void {
  const tier = tierAfterPosting(ctx.config.tiers, ctx.profile.tier, { lifetimePoints: counters.lifetime_points, lifetimeSpendCents: counters.lifetime_spend_cents, visits: counters.visits });
  if (!tier.upgraded) return;
  const from = ctx.profile.tier;
  ctx.setTier(tier.code);
  ctx.emit("tier_changed", ctx.nowMs, { data: { from, to: tier.code, direction: "up" } });
}
