import type { RedemptionState } from "../../domain/rewards/stock-units";

/**
 * RewardStock RPC payloads carry a version, as the Member's do (§9): during a deploy a new Worker
 * may call an old object and the reverse. Version 1 (no field) had reserve/confirm/release.
 */
export const stockRpcVersion: 2 = 2;

export type ReserveCommand = {
  v: typeof stockRpcVersion;
  rewardId: string;
  holdId: string;
  memberId: string;
  /** Units the operator set; null = unlimited. The operator may change it; claimed units stay claimed. */
  inventory: number | null;
  perDayCap: number | null;
  /** Calendar day in the venue's time zone, for the per-day cap. */
  day: string;
  dryRun?: boolean;
};

/** `live: false`: the stock has seen this request and its unit already went back (its hold lapsed, or it was settled). */
export type ReserveReply = { ok: true; token: string; live: boolean } | { ok: false; code: "out_of_stock" | "daily_cap_reached"; message: string };

/** What the Member durably says of a redemption: the unit held for it follows this. */
export type FollowCommand = { v: typeof stockRpcVersion; holdId: string; state: RedemptionState; token: string | null };

export type StockCounts = { held: number; issued: number; consumed: number; released: number };

export function assertStockVersion(version: number | undefined): void {
  if (version !== stockRpcVersion) throw new Error(`RewardStock RPC version ${version ?? 1} is not supported here (expects ${stockRpcVersion})`);
}
