import { returnAllocationsAfterDebt } from "../../domain/ledger/credit";
import type { Allocation } from "../../domain/ledger/spend";
import { localDay } from "../../domain/community/weekly-features";
import { decidePayout } from "../../domain/token-settlement/payout-decision";
import { type PayoutIntent, payoutIntentVersion } from "../../domain/token-settlement/payout-intent";
import { type PayoutStatus, decideConfirm, decideReturn } from "../../domain/token-settlement/payout-status";
import type { LedgerStore } from "./ledger-store";
import { pinnedWallet } from "./payout-wallet";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/** Reserved intents the ledger answer lists (reconciliation pages the rest from the totals). */
export const reservedListMax = 500;
export const payoutPageMax = 100;
const payoutDeliveryFallbackMs = 5_000;

type PayoutRow = {
  seq: number;
  intent_id: string;
  points: number;
  token_amount: string;
  address: string;
  status: PayoutStatus;
  allocations: string;
  day: string;
  cut_at_ms: number;
  settlement_id: number | null;
  tx_hash: string | null;
  settled_at_ms: number | null;
  returned_at_ms: number | null;
  return_reason: string | null;
};

type Totals = { reserved_points: number; settled_points: number; reserved_units: string; settled_units: string };

export function payoutTotals(store: LedgerStore): Totals {
  return store.db.one<Totals>("SELECT reserved_points, settled_points, reserved_units, settled_units FROM payout_totals WHERE id = 1")!;
}

/** Moves a payout's amount between the running totals (token amounts in BigInt: base units pass 2^53). */
function moveTotals(store: LedgerStore, points: number, units: string, from: "reserved" | "settled" | null, to: "reserved" | "settled" | null): void {
  const totals = { ...payoutTotals(store) };
  const amount = BigInt(units);
  if (from) {
    totals[`${from}_points` as const] -= points;
    totals[`${from}_units` as const] = (BigInt(totals[`${from}_units` as const]) - amount).toString();
  }
  if (to) {
    totals[`${to}_points` as const] += points;
    totals[`${to}_units` as const] = (BigInt(totals[`${to}_units` as const]) + amount).toString();
  }
  if (totals.reserved_points < 0 || BigInt(totals.reserved_units) < 0n) throw new Error(`payout totals went negative: ${JSON.stringify(totals)}`);
  store.db.run(
    "UPDATE payout_totals SET reserved_points = ?, settled_points = ?, reserved_units = ?, settled_units = ? WHERE id = 1",
    totals.reserved_points,
    totals.settled_points,
    totals.reserved_units,
    totals.settled_units,
  );
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function payoutBody(row: PayoutRow) {
  return {
    intentId: row.intent_id,
    points: row.points,
    tokenAmount: row.token_amount,
    address: row.address,
    status: row.status,
    settlementId: row.settlement_id,
    txHash: row.tx_hash,
    cutAt: iso(row.cut_at_ms)!,
    settledAt: iso(row.settled_at_ms),
    returnedAt: iso(row.returned_at_ms),
  };
}

const payoutRow = (store: LedgerStore, intentId: string) => store.db.one<PayoutRow>("SELECT * FROM token_payouts WHERE intent_id = ?", intentId);

/**
 * Cuts a payout: the rule picks the points (settleable kinds only, today's ceiling, the minimum) and
 * the pinned wallet; this writes the reserving journal entry, spends the lots, records the payout
 * and puts its intent in the payout outbox, all in the caller's transaction. A refusal is not kept
 * under the key: the same request may succeed once the member earned more or a new day began.
 */
export function cutTokenPayout(ctx: WriteContext): CommandReply & { transient?: boolean } {
  const { store, profile } = ctx;
  const counters = store.counters();
  const day = localDay(ctx.nowMs, profile.timezone);
  const cutTodayPoints = store.db.one<{ points: number }>("SELECT COALESCE(SUM(points), 0) AS points FROM token_payouts WHERE day = ? AND status != 'returned'", day)!.points;
  const decision = decidePayout({
    settlement: ctx.config.settlement,
    verified: counters.verified_at_ms !== null,
    debt: counters.debt,
    payoutAddress: pinnedWallet(store, ctx.nowMs),
    lots: store.kindedLots(),
    cutTodayPoints,
  });
  if (!decision.ok) return { ...rejectWith(decision.rejection), transient: true };
  for (const allocation of decision.allocations) store.takeFromLot(allocation.lotId, allocation.points);
  const { seq } = store.db.one<{ seq: number }>(
    "INSERT INTO token_payouts (intent_id, points, token_amount, address, status, allocations, day, cut_at_ms) VALUES ('', ?, ?, ?, 'reserved', ?, ?, ?) RETURNING seq",
    decision.points,
    decision.tokenAmount,
    decision.address,
    JSON.stringify(decision.allocations),
    day,
    ctx.nowMs,
  )!;
  // The intent id is the natural key every consumer dedupes on: the member and the payout's own sequence.
  const intentId = `${profile.id}:${seq}`;
  store.db.run("UPDATE token_payouts SET intent_id = ? WHERE seq = ?", intentId, seq);
  moveTotals(store, decision.points, decision.tokenAmount, null, "reserved");
  const intent: PayoutIntent = { v: payoutIntentVersion, intentId, memberId: profile.id, programId: profile.programId, address: decision.address, points: decision.points, tokenAmount: decision.tokenAmount, cutAtMs: ctx.nowMs };
  store.db.run("INSERT INTO payout_outbox (intent_id, payload, next_at_ms) VALUES (?, ?, ?)", intentId, JSON.stringify(intent), ctx.nowMs);
  // The actor sends the intent right after the commit; the alarm, set before the answer, sends it if that never ran.
  ctx.wakeBy(ctx.nowMs + payoutDeliveryFallbackMs);
  const balance = store.appendEntry({ kind: "settle", delta: -decision.points, pendingDelta: 0, ref: intentId, venueId: null, detail: { intentId, status: "reserved", tokenAmount: decision.tokenAmount, address: decision.address }, atMs: ctx.nowMs });
  store.updateCounters({ last_activity_ms: ctx.nowMs });
  ctx.emit("payout_reserved", ctx.nowMs, { data: { intentId, points: decision.points, tokenAmount: decision.tokenAmount } });
  return { status: 201, body: { ...payoutBody(payoutRow(store, intentId)!), balance } };
}

export type ConfirmPayoutCommand = { v: number; intentId: string; settlementId: number; txHash: string; atMs: number };
export type ReturnPayoutCommand = { v: number; intentId: string; reason: string; atMs: number };
export type ConfirmPayoutResult = { ok: true; status: "settled" } | { ok: false; code: "unknown_intent" | "already_returned" };
export type ReturnPayoutResult = { ok: true; status: "returned" } | { ok: false; code: "unknown_intent" | "already_settled" };

/** The chain settled the payout (final after its confirmations): reserved → settled, once; a repeat answers settled. */
export function confirmPayout(ctx: WriteContext, command: ConfirmPayoutCommand): ConfirmPayoutResult {
  const row = payoutRow(ctx.store, command.intentId);
  const decision = decideConfirm(row?.status);
  if (!row || decision.act === "none") return decision.answer;
  ctx.store.db.run("UPDATE token_payouts SET status = 'settled', settlement_id = ?, tx_hash = ?, settled_at_ms = ? WHERE seq = ?", command.settlementId, command.txHash, command.atMs, row.seq);
  moveTotals(ctx.store, row.points, row.token_amount, "reserved", "settled");
  // The points left the balance when reserved; this entry records in the history that they arrived as tokens.
  ctx.store.appendEntry({ kind: "settle", delta: 0, pendingDelta: 0, ref: row.intent_id, venueId: null, detail: { intentId: row.intent_id, status: "settled", tokenAmount: row.token_amount, settlementId: command.settlementId, txHash: command.txHash }, atMs: ctx.nowMs });
  ctx.emit("payout_settled", ctx.nowMs, { data: { intentId: row.intent_id, settlementId: command.settlementId, txHash: command.txHash } });
  return decision.answer;
}

/**
 * The settlement was abandoned: reserved → returned, once. The points come back as a reversing entry
 * into lots with their original expiry and kind (as a cancelled redemption's do; a lot past its
 * expiry then expires), debt first. An intent not yet sent is withdrawn from the outbox.
 */
export function returnPayout(ctx: WriteContext, command: ReturnPayoutCommand): ReturnPayoutResult {
  const { store } = ctx;
  const row = payoutRow(store, command.intentId);
  const decision = decideReturn(row?.status);
  if (!row || decision.act === "none") return decision.answer;
  const debt = store.counters().debt;
  const returned = returnAllocationsAfterDebt(JSON.parse(row.allocations) as Allocation[], debt);
  if (returned.repaid > 0) store.updateCounters({ debt: debt - returned.repaid });
  for (const { allocation, points } of returned.lots) {
    store.addLot(`payout_return:${row.intent_id}`, allocation.venueId, ctx.nowMs, allocation.expiresAtMs, points, store.lotKind(allocation.lotId));
    if (allocation.expiresAtMs !== null) ctx.wakeBy(allocation.expiresAtMs - ctx.config.expiry.warningDays * 86_400_000);
  }
  store.db.run("UPDATE token_payouts SET status = 'returned', returned_at_ms = ?, return_reason = ? WHERE seq = ?", command.atMs, command.reason.slice(0, 500), row.seq);
  store.db.run("DELETE FROM payout_outbox WHERE intent_id = ?", row.intent_id);
  moveTotals(store, row.points, row.token_amount, "reserved", null);
  store.appendEntry({ kind: "settle", delta: row.points - returned.repaid, pendingDelta: 0, ref: row.intent_id, venueId: null, detail: { intentId: row.intent_id, status: "returned", reason: command.reason.slice(0, 500), repaidDebt: returned.repaid }, atMs: ctx.nowMs });
  ctx.emit("payout_returned", ctx.nowMs, { data: { intentId: row.intent_id, points: row.points } });
  return decision.answer;
}

/** The member's token totals for reconciliation: amounts as decimal strings of base units. */
export function payoutLedger(store: LedgerStore, memberId: string) {
  const totals = payoutTotals(store);
  const reserved = store.db
    .all<{ intent_id: string; token_amount: string }>("SELECT intent_id, token_amount FROM token_payouts WHERE status = 'reserved' ORDER BY seq LIMIT ?", reservedListMax)
    .map((row) => ({ intentId: row.intent_id, tokenAmount: row.token_amount }));
  return { memberId, reservedTokenAmount: totals.reserved_units, settledTokenAmount: totals.settled_units, reserved };
}

/** Payouts newest first, a page at a time; `beforeSeq` is the cursor. */
export function payoutPage(store: LedgerStore, limit: number, beforeSeq: number | null) {
  const size = Math.min(limit, payoutPageMax);
  const rows = store.db.all<PayoutRow>("SELECT * FROM token_payouts WHERE seq < ? ORDER BY seq DESC LIMIT ?", beforeSeq ?? Number.MAX_SAFE_INTEGER, size + 1);
  const page = rows.slice(0, size);
  return { payouts: page.map(payoutBody), nextBeforeSeq: rows.length > size ? page[page.length - 1].seq : null };
}

/** What the member view shows of tokens. */
export function tokenSummary(store: LedgerStore, nowMs: number) {
  const totals = payoutTotals(store);
  return {
    reservedPoints: totals.reserved_points,
    settledPoints: totals.settled_points,
    reservedTokenAmount: totals.reserved_units,
    settledTokenAmount: totals.settled_units,
    payoutWallet: pinnedWallet(store, nowMs),
  };
}
