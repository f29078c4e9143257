import { activeCampaign, computeEarn } from "../../domain/ledger/earn";
import { checkOccurredAt } from "../../domain/ledger/purchase-window";
import { tierIndex } from "../../domain/tiers/qualification";
import { isBirthdayMonth, yearMonthIn } from "../../domain/time/calendar";
import { postsAt } from "../../domain/ledger/posting";
import type { StoredReply } from "./idempotency-store";
import type { LedgerStore, PurchaseRow } from "./ledger-store";
import type { PurchaseCommand } from "./rpc-types";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/** Records a purchase's points as pending; the alarm posts them `postingDelayHours` after it was received. */
export function recordPurchase(ctx: WriteContext, command: PurchaseCommand, purchaseId: string): CommandReply & { recorded?: boolean } {
  const { store, profile, config } = ctx;
  const occurredAt = new Date(command.occurredAt);
  const late = checkOccurredAt(occurredAt, new Date(ctx.nowMs));
  if (late) return rejectWith(late);

  const tier = config.tiers[tierIndex(config.tiers, profile.tier)];
  const counters = store.counters();
  const firstVisit = store.bumpVenueStats(command.venue.id, { purchases: 1 }).purchases === 1;
  const birthdayYear =
    config.earn.birthdayMonthBonus > 0 && isBirthdayMonth(profile.birthday, profile.timezone, occurredAt) ? yearMonthIn(profile.timezone, occurredAt).year : null;
  const birthdayDue = birthdayYear !== null && counters.birthday_bonus_year !== birthdayYear;
  const earned = computeEarn({
    amountCents: command.amountCents,
    pointsPerDollar: command.venue.earnRatePerDollar ?? config.earn.pointsPerDollar,
    tierCode: tier.code,
    tierMultiplier: tier.multiplier,
    campaign: activeCampaign(config.campaigns, command.venue.id, occurredAt),
    firstVisitBonus: firstVisit ? config.earn.firstVisitBonus : 0,
    birthdayBonus: birthdayDue ? config.earn.birthdayMonthBonus : 0,
  });
  const postsAtMs = postsAt(occurredAt.getTime(), ctx.nowMs, config.earn.postingDelayHours);

  const row: PurchaseRow = {
    id: purchaseId,
    venue_id: command.venue.id,
    amount_cents: command.amountCents,
    points: earned.points,
    refunded_cents: 0,
    reversed_points: 0,
    status: "pending",
    occurred_at_ms: occurredAt.getTime(),
    posts_at_ms: postsAtMs,
    breakdown: JSON.stringify(earned.breakdown),
    request_hash: command.requestHash,
  };
  store.insertPurchase(row);
  store.updateCounters({
    last_activity_ms: Math.max(counters.last_activity_ms ?? 0, occurredAt.getTime()),
    ...(birthdayDue ? { birthday_bonus_year: birthdayYear } : {}),
  });
  store.appendEntry({ kind: "earn", delta: 0, pendingDelta: earned.points, ref: purchaseId, venueId: command.venue.id, detail: { amountCents: command.amountCents }, atMs: ctx.nowMs });
  ctx.wakeBy(postsAtMs);
  // No event yet: the read side holds posted facts (balances, tiers, visits, spend), which change when
  // the points post; pending points are the actor's to show. One Queue message per purchase, not two.

  return { ...purchaseReply(profile.id, row), recorded: true };
}

/** The answer to a recorded purchase, built from its row: the first answer and every replay alike. */
export function purchaseReply(memberId: string, row: PurchaseRow): CommandReply {
  return {
    status: 201,
    body: {
      purchaseId: row.id,
      memberId,
      venueId: row.venue_id,
      amountCents: row.amount_cents,
      occurredAt: new Date(row.occurred_at_ms).toISOString(),
      status: "pending",
      pointsPending: row.points,
      postsAt: new Date(row.posts_at_ms).toISOString(),
      breakdown: JSON.parse(row.breakdown),
    },
  };
}

/** A purchase's first answer, rebuilt from its row (the row is the purchase's idempotency record). */
export function replayPurchase(store: LedgerStore, memberId: string, purchaseId: string): StoredReply {
  return purchaseReply(memberId, store.purchase(purchaseId)!);
}
