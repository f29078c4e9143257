import type { ActionRule } from "./action-rules";

/** What the member's history says about one action kind, as the actor reads it from its ledger. */
export type ActionHistory = {
  /** When this kind was last credited, or null if never. */
  lastCreditAtMs: number | null;
  /** Credits of this kind on the member's current local day. */
  creditsToday: number;
};

export type ActionRejectionCode = "unknown_action" | "cooldown_active" | "daily_cap_reached";

export type ActionDecision =
  | { ok: true }
  | { ok: false; status: 422; code: ActionRejectionCode; message: string; retryAfterSeconds?: number };

export type PointsFactor = "base" | "tier" | "weekly";
export type CommunityPoints = { points: number; breakdown: { factor: PointsFactor; value: number }[] };

/** Whether an action of `kind` may be credited at `nowMs`. The cap is checked first: waiting out a cooldown would not help. */
export function decideAction(rule: ActionRule | undefined, kind: string, history: ActionHistory, nowMs: number): ActionDecision {
  if (!rule) {
    return { ok: false, status: 422, code: "unknown_action", message: `"${kind}" is not an action kind of this program; add it to community.actions` };
  }
  if (rule.dailyCap !== null && history.creditsToday >= rule.dailyCap) {
    return {
      ok: false,
      status: 422,
      code: "daily_cap_reached",
      message: `"${kind}" can earn ${rule.dailyCap} time(s) a day and has today; try again tomorrow`,
    };
  }
  if (history.lastCreditAtMs !== null && rule.cooldownMs > 0) {
    const remainingMs = history.lastCreditAtMs + rule.cooldownMs - nowMs;
    if (remainingMs > 0) {
      // Rounded up so that a client retrying after exactly this many seconds is past the cooldown.
      const retryAfterSeconds = Math.max(1, Math.ceil(remainingMs / 1000));
      return {
        ok: false,
        status: 422,
        code: "cooldown_active",
        message: `"${kind}" earns at most once every ${formatMinutes(rule.cooldownMs)}; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      };
    }
  }
  return { ok: true };
}

// Products like 100 × 1.15 land a hair under the exact integer in binary floating point.
const floorPoints = (value: number) => Math.floor(value + 1e-9);

/** Points of a credited action: floor(base × tier multiplier × weekly multiplier), floored once. */
export function communityPoints(basePoints: number, tierMultiplier: number, weeklyMultiplier: number): CommunityPoints {
  return {
    points: floorPoints(basePoints * tierMultiplier * weeklyMultiplier),
    breakdown: [
      { factor: "base", value: basePoints },
      { factor: "tier", value: tierMultiplier },
      { factor: "weekly", value: weeklyMultiplier },
    ],
  };
}

function formatMinutes(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
