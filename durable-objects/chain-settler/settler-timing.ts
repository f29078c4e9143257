import { batchRecipientsMax } from "../../domain/token-settlement/batch-cut";

/**
 * The settler's clocks and bounds. Stored in the actor (`configure`), so a test or the fault run can
 * shorten them and they survive a restart of the object; production runs on the defaults.
 */
export type SettlerTiming = {
  /** Queued recipients that cut a batch at once. */
  recipientsThreshold: number;
  /** The longest an intent waits for a batch. */
  waitMaxMs: number;
  /** The most recipients per batch (lowered further by the block's gas limit). */
  recipientsMax: number;
  /** A transaction pending this long is replaced at the same nonce with a bumped fee. */
  stuckAfterMs: number;
  /** Between two looks at a settlement in flight. */
  pollMs: number;
  /** One JSON-RPC call's bound. */
  rpcTimeoutMs: number;
  /** Backoff while the chain is unreachable or the token paused: base, doubling, capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The highest maxFeePerGas a replacement may offer, in wei (decimal string). */
  maxFeePerGasCeiling: string;
  /** The first wait before a member delivery is retried (doubling, capped at backoffMaxMs). */
  deliveryRetryMs: number;
  /** Bounds on one alarm run. */
  stepsPerRunMax: number;
  deliveriesPerRunMax: number;
  reconcileMembersPerPage: number;
  reconcilePagesPerRun: number;
};

export const defaultTiming: SettlerTiming = {
  recipientsThreshold: 100,
  waitMaxMs: 5 * 60_000,
  recipientsMax: batchRecipientsMax,
  stuckAfterMs: 60_000,
  pollMs: 3_000,
  rpcTimeoutMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 5 * 60_000,
  maxFeePerGasCeiling: (500n * 10n ** 9n).toString(),
  deliveryRetryMs: 5_000,
  stepsPerRunMax: 8,
  deliveriesPerRunMax: 200,
  reconcileMembersPerPage: 100,
  reconcilePagesPerRun: 10,
};

/** The defaults with what the deployment's vars set: SETTLEMENT_BATCH_WAIT_SECONDS (npm start shortens it so a demo payout settles in seconds). */
export function deploymentTiming(env: { SETTLEMENT_BATCH_WAIT_SECONDS?: string }): SettlerTiming {
  const text = env.SETTLEMENT_BATCH_WAIT_SECONDS?.trim() ?? "";
  const waitSeconds = Number(text);
  // An unset or unreadable value keeps the 5-minute default rather than settling at once.
  return text !== "" && Number.isFinite(waitSeconds) && waitSeconds >= 0 ? { ...defaultTiming, waitMaxMs: waitSeconds * 1_000 } : defaultTiming;
}

export function backoffMs(timing: SettlerTiming, failures: number): number {
  return Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}
