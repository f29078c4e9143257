import { type WalletActor, type WalletChange, changeStatus, decideCancelRelink, decidePin, pendingRelink, pinnedAt } from "../../domain/token-settlement/payout-wallet";
import type { LedgerStore } from "./ledger-store";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/** Changes kept in view: one a day for months. The pinned wallet is the latest applied one among them. */
const walletChangesMax = 200;
export const defaultCoolingOffHours = 24;

type ChangeRow = {
  id: number;
  from_address: string | null;
  to_address: string;
  requested_at_ms: number;
  effective_at_ms: number;
  cancelled_at_ms: number | null;
  requested_by: WalletActor;
  cancelled_by: WalletActor | null;
};

/** The wallet's audited changes, oldest first. */
export function walletChanges(store: LedgerStore): WalletChange[] {
  return store.db
    .all<ChangeRow>("SELECT * FROM (SELECT * FROM payout_wallet_changes ORDER BY id DESC LIMIT ?) ORDER BY id", walletChangesMax)
    .map((row) => ({
      id: row.id,
      fromAddress: row.from_address,
      toAddress: row.to_address,
      requestedAtMs: row.requested_at_ms,
      effectiveAtMs: row.effective_at_ms,
      cancelledAtMs: row.cancelled_at_ms,
      requestedBy: row.requested_by,
      cancelledBy: row.cancelled_by,
    }));
}

/** The one place settlement reads an address from: the pinned wallet in effect at `nowMs`. */
export function pinnedWallet(store: LedgerStore, nowMs: number): string | null {
  return pinnedAt(walletChanges(store), nowMs);
}

function insertChange(store: LedgerStore, change: Omit<WalletChange, "id">): void {
  store.db.run(
    "INSERT INTO payout_wallet_changes (from_address, to_address, requested_at_ms, effective_at_ms, requested_by) VALUES (?, ?, ?, ?, ?)",
    change.fromAddress,
    change.toAddress,
    change.requestedAtMs,
    change.effectiveAtMs,
    change.requestedBy,
  );
}

function cancelChange(store: LedgerStore, change: WalletChange, by: WalletActor, nowMs: number): void {
  store.db.run("UPDATE payout_wallet_changes SET cancelled_at_ms = ?, cancelled_by = ? WHERE id = ? AND cancelled_at_ms IS NULL", nowMs, by, change.id);
}

/** The wallet a SIWE enrollment signed with is pinned at once, in the enrollment's transaction. */
export function pinAtEnrollment(store: LedgerStore, address: string, nowMs: number): void {
  if (walletChanges(store).length > 0) return;
  insertChange(store, { fromAddress: null, toAddress: address, requestedAtMs: nowMs, effectiveAtMs: nowMs, cancelledAtMs: null, requestedBy: "enrollment", cancelledBy: null });
}

/** Pins one of the member's own SIWE-linked wallets (the Worker checked the link in D1). */
export function pinPayoutWallet(ctx: WriteContext, address: string, by: WalletActor): CommandReply {
  const coolingOffHours = ctx.config.settlement?.relinkCoolingOffHours ?? defaultCoolingOffHours;
  const outcome = decidePin(walletChanges(ctx.store), address, by, coolingOffHours, ctx.nowMs);
  if (outcome.kind === "pinned") insertChange(ctx.store, outcome.change);
  if (outcome.kind === "relink_requested") {
    if (outcome.replaces) cancelChange(ctx.store, outcome.replaces, by, ctx.nowMs);
    insertChange(ctx.store, outcome.change);
  }
  if (outcome.kind === "relink_cancelled") cancelChange(ctx.store, outcome.cancels, by, ctx.nowMs);
  return { status: 200, body: { outcome: outcome.kind, ...payoutWalletView(ctx.store, ctx.nowMs) } };
}

export function cancelPayoutRelink(ctx: WriteContext, by: WalletActor): CommandReply {
  const decision = decideCancelRelink(walletChanges(ctx.store), ctx.nowMs);
  if (!decision.ok) return rejectWith(decision.rejection);
  cancelChange(ctx.store, decision.cancels, by, ctx.nowMs);
  return { status: 200, body: { outcome: "relink_cancelled", ...payoutWalletView(ctx.store, ctx.nowMs) } };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The pinned wallet, the relink waiting to take effect, and the audit trail (newest first). */
export function payoutWalletView(store: LedgerStore, nowMs: number) {
  const changes = walletChanges(store);
  const pending = pendingRelink(changes, nowMs);
  return {
    pinned: pinnedAt(changes, nowMs),
    pendingRelink: pending ? { address: pending.toAddress, requestedAt: iso(pending.requestedAtMs)!, effectiveAt: iso(pending.effectiveAtMs)! } : null,
    history: [...changes].reverse().map((change) => ({
      from: change.fromAddress,
      to: change.toAddress,
      status: changeStatus(change, nowMs),
      requestedAt: iso(change.requestedAtMs)!,
      requestedBy: change.requestedBy,
      effectiveAt: iso(change.effectiveAtMs)!,
      cancelledAt: iso(change.cancelledAtMs),
      cancelledBy: change.cancelledBy,
    })),
  };
}
