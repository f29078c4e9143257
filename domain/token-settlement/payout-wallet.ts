import type { Rejection } from "../ledger/purchase-window";

/** Who asked for a payout wallet change: the member, an operator, or the wallet sign-in that enrolled the member. */
export type WalletActor = "member" | "operator" | "enrollment";

/** One audited change of the pinned payout wallet. A change is `pending` until its effective time, then applied; or cancelled before it. */
export type WalletChange = {
  id: number;
  fromAddress: string | null;
  toAddress: string;
  requestedAtMs: number;
  effectiveAtMs: number;
  cancelledAtMs: number | null;
  requestedBy: WalletActor;
  cancelledBy: WalletActor | null;
};

export type WalletChangeStatus = "pending" | "applied" | "cancelled";

export const changeStatus = (change: WalletChange, nowMs: number): WalletChangeStatus =>
  change.cancelledAtMs !== null ? "cancelled" : change.effectiveAtMs <= nowMs ? "applied" : "pending";

const sameAddress = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/** The wallet payouts go to at `nowMs`: the latest change in effect. Settlement reads the address from here only. */
export function pinnedAt(changes: readonly WalletChange[], nowMs: number): string | null {
  const applied = changes.filter((change) => changeStatus(change, nowMs) === "applied");
  applied.sort((a, b) => a.effectiveAtMs - b.effectiveAtMs || a.id - b.id);
  return applied.at(-1)?.toAddress ?? null;
}

/** The relink still cooling off at `nowMs`, if any (at most one: a new request replaces it). */
export function pendingRelink(changes: readonly WalletChange[], nowMs: number): WalletChange | null {
  return changes.find((change) => changeStatus(change, nowMs) === "pending") ?? null;
}

export type PinOutcome =
  | { kind: "unchanged"; pinned: string }
  | { kind: "pinned"; change: Omit<WalletChange, "id"> }
  | { kind: "relink_requested"; change: Omit<WalletChange, "id">; replaces: WalletChange | null }
  | { kind: "relink_cancelled"; cancels: WalletChange };

/**
 * Pins a payout wallet (the member's own SIWE-linked one: the caller checked). The first pin takes
 * effect at once. A change is a relink that takes effect after the cooling-off period, so a stolen
 * session cannot redirect payouts before the member notices; until then payouts go to the old wallet.
 * Asking for the pinned wallet again while a relink waits cancels that relink; asking for another
 * replaces it and starts the cooling-off again.
 */
export function decidePin(changes: readonly WalletChange[], address: string, by: WalletActor, coolingOffHours: number, nowMs: number): PinOutcome {
  const pinned = pinnedAt(changes, nowMs);
  const pending = pendingRelink(changes, nowMs);
  if (pinned === null) return { kind: "pinned", change: { fromAddress: null, toAddress: address, requestedAtMs: nowMs, effectiveAtMs: nowMs, cancelledAtMs: null, requestedBy: by, cancelledBy: null } };
  if (sameAddress(pinned, address)) return pending ? { kind: "relink_cancelled", cancels: pending } : { kind: "unchanged", pinned };
  if (pending && sameAddress(pending.toAddress, address)) return { kind: "unchanged", pinned };
  const change = { fromAddress: pinned, toAddress: address, requestedAtMs: nowMs, effectiveAtMs: nowMs + coolingOffHours * 3_600_000, cancelledAtMs: null, requestedBy: by, cancelledBy: null };
  return { kind: "relink_requested", change, replaces: pending };
}

/** Cancels the relink still cooling off; there must be one. */
export function decideCancelRelink(changes: readonly WalletChange[], nowMs: number): { ok: true; cancels: WalletChange } | { ok: false; rejection: Rejection } {
  const pending = pendingRelink(changes, nowMs);
  if (!pending) return { ok: false, rejection: { status: 404, code: "no_pending_relink", message: "No payout wallet change is waiting to take effect; nothing to cancel" } };
  return { ok: true, cancels: pending };
}
