import type { ProgramConfig, Tier } from "../programs/program-config";
import { monthsAfter } from "../time/calendar";

export type TierMetrics = { lifetimePoints: number; lifetimeSpendCents: number; visits: number };

/**
 * Where the tier-qualifying metrics start at `atMs`: the review window's start with requalification
 * on, all time (null) otherwise. The one answer for credit time, refund time and review time alike.
 */
export function qualifyingWindowStart(requalification: ProgramConfig["requalification"], atMs: number): number | null {
  return requalification.enabled ? monthsAfter(new Date(atMs), -requalification.windowMonths).getTime() : null;
}

/** A tier's thresholds are alternatives: lifetime points OR lifetime spend OR visits (§4). */
export function qualifies(tier: Tier, metrics: TierMetrics): boolean {
  const { lifetimePoints, lifetimeSpendCents, visits } = tier.qualify;
  return (
    (lifetimePoints !== undefined && metrics.lifetimePoints >= lifetimePoints) ||
    (lifetimeSpendCents !== undefined && metrics.lifetimeSpendCents >= lifetimeSpendCents) ||
    (visits !== undefined && metrics.visits >= visits)
  );
}

/** The highest rung the metrics reach (the lowest rung always). */
export function qualifiedTierIndex(ladder: readonly Tier[], metrics: TierMetrics): number {
  let reached = 0;
  ladder.forEach((tier, index) => {
    if (index > 0 && qualifies(tier, metrics)) reached = index;
  });
  return reached;
}

export function tierIndex(ladder: readonly Tier[], code: string): number {
  return Math.max(0, ladder.findIndex((tier) => tier.code === code));
}

/** Tiers only go up as points post; requalification (below) is the only way down. */
export function tierAfterPosting(ladder: readonly Tier[], currentCode: string, metrics: TierMetrics): { code: string; upgraded: boolean } {
  const current = tierIndex(ladder, currentCode);
  const reached = qualifiedTierIndex(ladder, metrics);
  return reached > current ? { code: ladder[reached].code, upgraded: true } : { code: ladder[current].code, upgraded: false };
}

/** A refund never raises a tier; it lowers it at once to what the metrics without it still reach. */
export function tierAfterRefund(ladder: readonly Tier[], currentCode: string, metrics: TierMetrics): { code: string; downgraded: boolean } {
  const current = tierIndex(ladder, currentCode);
  const reached = qualifiedTierIndex(ladder, metrics);
  return reached < current ? { code: ladder[reached].code, downgraded: true } : { code: ladder[current].code, downgraded: false };
}

/** At a review the tier follows the window's metrics, falling at most `maxDowngradeSteps` rungs. */
export function tierAtReview(ladder: readonly Tier[], currentCode: string, windowMetrics: TierMetrics, maxDowngradeSteps: number): string {
  const current = tierIndex(ladder, currentCode);
  const reached = qualifiedTierIndex(ladder, windowMetrics);
  return ladder[Math.max(reached, current - maxDowngradeSteps)].code;
}

export type TierProgress = { tier: string; metric: keyof TierMetrics; current: number; required: number; remaining: number };

/** What the member still needs for the next tier, per qualifying metric (any one is enough). */
export function nextTierProgress(ladder: readonly Tier[], currentCode: string, metrics: TierMetrics): TierProgress[] {
  const next = ladder[tierIndex(ladder, currentCode) + 1];
  if (!next) return [];
  return (Object.entries(next.qualify) as [keyof TierMetrics, number][]).map(([metric, required]) => ({
    tier: next.code,
    metric,
    current: metrics[metric],
    required,
    remaining: Math.max(0, required - metrics[metric]),
  }));
}
