import type { Allocation } from "../../domain/ledger/spend";
import { decideRedemption } from "../../domain/rewards/redemption-decision";
import { dayIn } from "../../domain/time/calendar";
import type { RedemptionRow } from "./ledger-store";
import type { SettlementRecord } from "./member-events";
import type { RedeemCommand, RedemptionActionCommand } from "./rpc-types";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

export type RedemptionIds = { redemptionId: string; code: string };

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
export function redeemReward(ctx: WriteContext, command: RedeemCommand, ids: RedemptionIds): CommandReply {
  const { store, profile, config } = ctx;
  const { reward, redeemingVenue } = command;
  if (reward.programId !== profile.programId) return rejectWith({ status: 404, code: "reward_not_found", message: `No reward ${reward.id} in this member's program` });
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

  for (const allocation of spend.allocations) store.takeFromLot(allocation.lotId, allocation.points);
  const settlements = settlementsFor(ctx, command, ids.redemptionId, spend.allocations);
  recordSettlements(ctx, settlements);
  const row: RedemptionRow = {
    id: ids.redemptionId,
    reward_id: reward.id,
    code: ids.code,
    venue_id: redeemingVenue?.id ?? null,
    points: reward.pointsCost,
    status: "issued",
    allocations: JSON.stringify(spend.allocations),
    created_at_ms: ctx.nowMs,
    updated_at_ms: ctx.nowMs,
  };
  store.insertRedemption(row);
  store.appendEntry({ kind: "redeem", delta: -reward.pointsCost, pendingDelta: 0, ref: ids.redemptionId, venueId: row.venue_id, detail: { rewardId: reward.id }, atMs: ctx.nowMs });
  store.updateCounters({ last_activity_ms: ctx.nowMs });
  ctx.emit("redeemed", ctx.nowMs, { settlements, data: { redemptionId: ids.redemptionId, rewardId: reward.id, points: reward.pointsCost } });
  return { status: 201, body: redemptionBody(ctx, row, settlements) };
}

function findRedemption(ctx: WriteContext, command: RedemptionActionCommand): RedemptionRow | CommandReply {
  const row = ctx.store.redemption(command.redemptionId);
  if (!row) return rejectWith({ status: 404, code: "redemption_not_found", message: "No such redemption code" });
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
  ctx.store.setRedemptionStatus(row.id, "consumed", ctx.nowMs);
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
  const allocations = JSON.parse(row.allocations) as Allocation[];
  for (const allocation of allocations) {
    ctx.store.addLot(`cancel:${row.id}`, allocation.venueId, ctx.nowMs, allocation.expiresAtMs, allocation.points);
    // The returned lot may be due for its expiry warning before anything else.
    if (allocation.expiresAtMs !== null) ctx.wakeBy(allocation.expiresAtMs - ctx.config.expiry.warningDays * 86_400_000);
  }
  const reversals = ctx.store.db
    .all<{ payload: string }>("SELECT payload FROM settlements WHERE id LIKE ? AND id NOT LIKE '%:cancel'", `${row.id}:%`)
    .map((settlement) => JSON.parse(settlement.payload) as SettlementRecord)
    .map((settlement) => ({ ...settlement, id: `${settlement.id}:cancel`, points: -settlement.points, valueCents: -settlement.valueCents, feeCents: -settlement.feeCents, atMs: ctx.nowMs }));
  recordSettlements(ctx, reversals);
  ctx.store.setRedemptionStatus(row.id, "cancelled", ctx.nowMs);
  ctx.store.appendEntry({ kind: "adjust", delta: row.points, pendingDelta: 0, ref: row.id, venueId: row.venue_id, detail: { reason: "redemption cancelled" }, atMs: ctx.nowMs });
  ctx.emit("redemption_cancelled", ctx.nowMs, { settlements: reversals, data: { redemptionId: row.id, rewardId: row.reward_id, points: row.points } });
  return { status: 200, body: redemptionBody(ctx, { ...row, status: "cancelled" }, []) };
}
