import { type Fees, bumpedFees } from "./fee-bump";

/**
 * The one rule for a settlement in flight: from what the settler persisted (its attempts) and what it
 * just read from the chain, the next thing to do. The settler never trusts memory or ethers'
 * NonceManager; every step starts again from these facts, so a crash at any point is a step repeated.
 */

/** A transaction we signed and persisted for this batch (at its current nonce or an earlier one). */
export type Attempt = {
  hash: string;
  nonce: number;
  settlementId: number;
  fees: Fees;
  /** When the node accepted it; null while the broadcast's outcome is unknown (crash, timeout). */
  sentAtMs: number | null;
  /** The node's refusal when broadcasting, as a kind. */
  lastError: BroadcastError | null;
};

export type BroadcastError = "fee_too_low" | "nonce_taken" | "unreachable" | "rejected";

/** What a mined receipt of one of our hashes says; a revert carries its reason, classified by `revertKind`. */
export type ReceiptSeen = { hash: string; ok: true; blockNumber: number } | { hash: string; ok: false; blockNumber: number; revert: RevertKind };

export type RevertKind = { kind: "paused" } | { kind: "out_of_order" } | { kind: "passes_now" } | { kind: "permanent"; error: string };

export type InFlightState = { settlementId: number; nonce: number; attempts: readonly Attempt[] };

export type Observations = {
  /** Receipts found for the batch's hashes (every nonce); a hash absent here has none (or lost it in a reorg). */
  receipts: readonly ReceiptSeen[];
  /** Hashes the node still holds (mempool or chain). */
  knownHashes: readonly string[];
  /** The settler's mined transaction count (`eth_getTransactionCount(settler, "latest")`). */
  minedNonce: number;
  /** The contract's `settledCount()`. */
  settledCount: number;
  /** Which of our hashes emitted `Settled(settlementId)` when the counter says it was applied; null if none of ours. */
  settledByHash: string | null;
  headBlock: number;
  confirmationsNeeded: number;
};

export type Timing = { stuckAfterMs: number; maxFeePerGasCeiling: bigint };

export type InFlightAction =
  | { action: "wait"; why: string }
  | { action: "rebroadcast"; hash: string }
  | { action: "replace"; fees: Fees }
  | { action: "resign_new_nonce"; settlementId: number }
  | { action: "final"; hash: string; blockNumber: number }
  | { action: "already_settled"; hash: string }
  | { action: "reverted_retry"; why: string }
  | { action: "abandon"; why: string };

/** Contract errors that will fail again whatever the chain does: the payload or our role is wrong. */
const permanentErrors = new Set(["SettlementToZeroAddress", "LengthMismatch", "EmptySettlement", "TooManyRecipients", "AmountTooLarge", "SupplyCapExceeded", "AccessControlUnauthorizedAccount"]);

/** A revert's kind from the contract error a replay of the call gives now (null: the call passes now). */
export function revertKind(errorName: string | null): RevertKind {
  if (errorName === null) return { kind: "passes_now" };
  if (errorName === "EnforcedPause") return { kind: "paused" };
  if (errorName === "SettlementOutOfOrder") return { kind: "out_of_order" };
  if (permanentErrors.has(errorName)) return { kind: "permanent", error: errorName };
  // An error we cannot name (a node hiccup, out of gas replayed differently): retrying is safe, the counter guards it.
  return { kind: "passes_now" };
}

export function decide(state: InFlightState, seen: Observations, nowMs: number, timing: Timing): InFlightAction {
  const ours = new Set(state.attempts.map((attempt) => attempt.hash));
  const receipts = seen.receipts.filter((receipt) => ours.has(receipt.hash));
  const mined = receipts.find((receipt) => receipt.ok);
  if (mined) {
    const confirmations = seen.headBlock - mined.blockNumber + 1;
    if (confirmations >= seen.confirmationsNeeded) return { action: "final", hash: mined.hash, blockNumber: mined.blockNumber };
    return { action: "wait", why: `mined in block ${mined.blockNumber}: ${confirmations} of ${seen.confirmationsNeeded} confirmations` };
  }
  // The counter passed our id: applied by one of our hashes (whose receipt the node did not give) or by nobody of ours.
  if (seen.settledCount >= state.settlementId) {
    if (seen.settledByHash && ours.has(seen.settledByHash)) return { action: "already_settled", hash: seen.settledByHash };
    // Our attempts at this id can no longer pass (the counter moved past it), so none can mint twice.
    return { action: "reverted_retry", why: `settlement ${state.settlementId} was taken by another transaction (counter ${seen.settledCount}): the batch takes the next id` };
  }
  const current = state.attempts.filter((attempt) => attempt.nonce === state.nonce);
  const revertedHere = receipts.find((receipt) => !receipt.ok && current.some((attempt) => attempt.hash === receipt.hash));
  if (revertedHere && !revertedHere.ok) {
    if (revertedHere.revert.kind === "permanent") return { action: "abandon", why: `settlement ${state.settlementId} reverted with ${revertedHere.revert.error}, which will not pass on a retry` };
    return { action: "reverted_retry", why: `settlement ${state.settlementId} reverted (${revertedHere.revert.kind}); it is signed again at the next nonce` };
  }
  // Our nonce is used, by none of our hashes at it: another transaction took it. The counter makes a re-sign safe.
  if (seen.minedNonce > state.nonce) return { action: "resign_new_nonce", settlementId: state.settlementId };
  const latest = current.at(-1);
  if (!latest) return { action: "resign_new_nonce", settlementId: state.settlementId };
  if (latest.lastError === "fee_too_low") return replaceOrWait(latest, timing, "the node refused the fee");
  if (!current.some((attempt) => seen.knownHashes.includes(attempt.hash))) return { action: "rebroadcast", hash: latest.hash };
  if (latest.sentAtMs !== null && nowMs - latest.sentAtMs >= timing.stuckAfterMs) return replaceOrWait(latest, timing, `pending for ${nowMs - latest.sentAtMs} ms`);
  return { action: "wait", why: "pending in the node's pool" };
}

function replaceOrWait(latest: Attempt, timing: Timing, reason: string): InFlightAction {
  const fees = bumpedFees(latest.fees, timing.maxFeePerGasCeiling);
  if ("rejected" in fees) return { action: "wait", why: `${reason}, but a bump would pass the fee ceiling` };
  return { action: "replace", fees };
}
