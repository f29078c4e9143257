import { returnAllocationsAfterDebt } from "../../domain/ledger/credit";
import type { Allocation } from "../../domain/ledger/spend";
import { decideRedemption } from "../../domain/rewards/redemption-decision";
import { dayIn } from "../../domain/time/calendar";
import type { RedemptionRow } from "./ledger-store";
import type { SettlementRecord } from "./member-events";
import type { RedeemCommand, RedemptionActionCommand } from "./rpc-types";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

function redemptionBody(ctx: WriteContext, row: RedemptionRow, settlements: SettlementRecord[]) {
  return {
    redemptionId: row.id,
    code: row.code,
    rewardId: row.reward_id,
    memberId: ctx.profile.id,
    venueId: row.venue_id,
    status: row.status,
    pointsSpent: row.points,
    balance: ctx.store.balance(),
    settlements: settlements.map(({ earningVenueId, redeemingVenueId, points, valueCents, feeCents }) => ({ earningVenueId, redeemingVenueId, points, valueCents, feeCents })),
  };
}

/** Who owes whom for the points of other venues that paid for this reward (§4). */
function settlementsFor(ctx: WriteContext, command: RedeemCommand, redemptionId: string, allocations: Allocation[]): SettlementRecord[] {
  const venue = command.redeemingVenue;
  if (!venue) return [];
  const byVenue = new Map<string, number>();
  for (const allocation of allocations) {
    if (allocation.venueId && allocation.venueId !== venue.id) byVenue.set(allocation.venueId, (byVenue.get(allocation.venueId) ?? 0) + allocation.points);
  }
  return [...byVenue].map(([earningVenueId, points]) => {
    const valueCents = Math.floor((points * 100) / ctx.config.earn.redemptionPointsPerDollar);
    return {
      id: `${redemptionId}:${earningVenueId}`,
      programId: ctx.profile.programId,
      redemptionId,
      earningVenueId,
      redeemingVenueId: venue.id,
      points,
      valueCents,
      feeCents: Math.round((valueCents * venue.revenueSharePercent) / 100),
      atMs: ctx.nowMs,
    };
  });
}

function recordSettlements(ctx: WriteContext, settlements: SettlementRecord[]): void {
  for (const settlement of settlements) ctx.store.db.run("INSERT INTO settlements (id, payload) VALUES (?, ?)", settlement.id, JSON.stringify(settlement));
}

/** Spends points on a reward (FIFO by expiry, within the coalition's rules) and issues a single-use code. */
export function redeemReward(ctx: WriteContext, command: RedeemCommand, redemptionId: string): CommandReply & { recorded?: boolean } {
  const { store, profile, config } = ctx;
  const { reward, redeemingVenue } = command;
  if (reward.programId !== profile.programId) return rejectWith({ status: 404, code: "reward_not_found", message: `No reward ${reward.id} in this member's program` });
  const holdToken = command.holdToken ?? null;
  const lapsed = holdToken !== null && store.db.one("SELECT 1 AS lapsed FROM lapsed_holds WHERE redemption_id = ? AND hold_token = ?", redemptionId, holdToken);
  if (command.unitReturned || lapsed) {
    return rejectWith({ status: 409, code: "hold_lapsed", message: "The reward's unit held for this request went back to stock before it was redeemed; send the redemption again with a new Idempotency-Key" });
  }
  const now = new Date(ctx.nowMs);
  const spend = decideRedemption(
    reward,
    { tier: profile.tier, available: store.balance(), redemptionsOfReward: store.redemptionCount(reward.id) },
    { now, weekday: dayIn(redeemingVenue?.timezone ?? config.timezone, now).weekday, purchaseCents: command.purchaseCents },
    store.liveLots(),
    redeemingVenue,
    (venueId) => !command.nonCoalitionVenueIds.includes(venueId),
  );
  if (!spend.ok) return rejectWith(spend.rejection);
  if (!command.code) throw new Error("a redemption needs the code registered for it");

  for (const allocation of spend.allocations) store.takeFromLot(allocation.lotId, allocation.points);
  const settlements = settlementsFor(ctx, command, redemptionId, spend.allocations);
  recordSettlements(ctx, settlements);
  const row: RedemptionRow = {
    id: redemptionId,
    reward_id: reward.id,
    code: command.code,
    venue_id: redeemingVenue?.id ?? null,
    points: reward.pointsCost,
    status: "issued",
    allocations: JSON.stringify(spend.allocations),
    created_at_ms: ctx.nowMs,
    updated_at_ms: ctx.nowMs,
    request_hash: command.requestHash,
    reply: null,
    hold_token: holdToken,
    stocked: holdToken === null ? 0 : 1,
  };
  store.appendEntry({ kind: "redeem", delta: -reward.pointsCost, pendingDelta: 0, ref: redemptionId, venueId: row.venue_id, detail: { rewardId: reward.id }, atMs: ctx.nowMs });
  store.updateCounters({ last_activity_ms: ctx.nowMs });
  ctx.emit("redeemed", ctx.nowMs, { settlements, data: { redemptionId, rewardId: reward.id, points: reward.pointsCost } });
  const reply = { status: 201, body: redemptionBody(ctx, row, settlements) };
  store.insertRedemption({ ...row, reply: JSON.stringify(reply) });
  return { ...reply, recorded: true };
}

function findRedemption(ctx: WriteContext, command: RedemptionActionCommand): RedemptionRow | CommandReply {
  const row = ctx.store.redemption(command.redemptionId);
  // The code is checked too: only the code this redemption was issued with opens it.
  if (!row || (command.code !== undefined && row.code !== command.code)) return rejectWith({ status: 404, code: "redemption_not_found", message: "No such redemption code" });
  if (command.venueId && row.venue_id && row.venue_id !== command.venueId) {
    return rejectWith({ status: 403, code: "forbidden_venue", message: "This code was issued for another venue" });
  }
  return row;
}

/** The venue hands over the reward; the code cannot be used again. Consuming twice answers the first result. */
export function consumeRedemption(ctx: WriteContext, command: RedemptionActionCommand): CommandReply & { replayed?: boolean } {
  const found = findRedemption(ctx, command);
  if ("status" in found && !("reward_id" in found)) return found;
  const row = found as RedemptionRow;
  if (row.status === "consumed") return { status: 200, body: redemptionBody(ctx, row, []), replayed: true };
  if (row.status === "cancelled") return rejectWith({ status: 409, code: "redemption_cancelled", message: "This code was cancelled and its points returned" });
  ctx.store.setRedemptionStatus(row, "consumed", ctx.nowMs);
  ctx.emit("redemption_consumed", ctx.nowMs, { data: { redemptionId: row.id, rewardId: row.reward_id } });
  return { status: 200, body: redemptionBody(ctx, { ...row, status: "consumed" }, []) };
}

/** An unused code is cancelled: its points come back with their original expiry, and settlements reverse. */
export function cancelRedemption(ctx: WriteContext, command: RedemptionActionCommand): CommandReply & { replayed?: boolean } {
  const found = findRedemption(ctx, command);
  if ("status" in found && !("reward_id" in found)) return found;
  const row = found as RedemptionRow;
  if (row.status === "cancelled") return { status: 200, body: redemptionBody(ctx, row, []), replayed: true };
  if (row.status === "consumed") return rejectWith({ status: 409, code: "redemption_consumed", message: "This code was already used; it cannot be cancelled" });
  // Debt first (§3): points handed back while debt stays could be spent again.
  const debt = ctx.store.counters().debt;
  const returned = returnAllocationsAfterDebt(JSON.parse(row.allocations) as Allocation[], debt);
  if (returned.repaid > 0) ctx.store.updateCounters({ debt: debt - returned.repaid });
  for (const { allocation, points } of returned.lots) {
    const lot = { ...allocation, points };
    // The returned points keep the credit kind of the lot they came from, so they settle as before.
    ctx.store.addLot(`cancel:${row.id}`, lot.venueId, ctx.nowMs, lot.expiresAtMs, lot.points, ctx.store.lotKind(allocation.lotId));
    // The returned lot may be due for its expiry warning (or past its expiry) before anything else.
    if (lot.expiresAtMs !== null) ctx.wakeBy(lot.expiresAtMs - ctx.config.expiry.warningDays * 86_400_000);
  }
  const reversals = ctx.store.db
    .all<{ payload: string }>("SELECT payload FROM settlements WHERE id LIKE ? AND id NOT LIKE '%:cancel'", `${row.id}:%`)
    .map((settlement) => JSON.parse(settlement.payload) as SettlementRecord)
    .map((settlement) => ({ ...settlement, id: `${settlement.id}:cancel`, points: -settlement.points, valueCents: -settlement.valueCents, feeCents: -settlement.feeCents, atMs: ctx.nowMs }));
  recordSettlements(ctx, reversals);
  ctx.store.setRedemptionStatus(row, "cancelled", ctx.nowMs);
  ctx.store.appendEntry({
    kind: "adjust",
    delta: row.points - returned.repaid,
    pendingDelta: 0,
    ref: row.id,
    venueId: row.venue_id,
    detail: { reason: "redemption cancelled", repaidDebt: returned.repaid },
    atMs: ctx.nowMs,
  });
  ctx.emit("redemption_cancelled", ctx.nowMs, { settlements: reversals, data: { redemptionId: row.id, rewardId: row.reward_id, points: row.points } });
  return { status: 200, body: redemptionBody(ctx, { ...row, status: "cancelled" }, []) };
}
