import { referralRulesOf } from "../../domain/community/action-rules";
import { allocateDebit } from "../../domain/ledger/spend";
import { clawBack } from "../../domain/ledger/refund";
import { isoWeek, localDay } from "../../domain/community/weekly-features";
import { memberRpcVersion } from "./rpc-types";
import type { ProgramContext } from "./rpc-types";
import { acceptedStatuses, creditCommunity } from "./community-credit";
import type { LedgerStore } from "./ledger-store";
import { lowerTierAfterTakeback, takeBackQualifyingPoints } from "./tier-follows-points";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

export type ReferralLevel = 1 | 2;
/** pay: the referred member was verified; reverse: the purchase that paid was refunded; pending: the referred member joined. */
export type ReferralAction = "pay" | "reverse" | "pending";
export type ReferralCommand = { v: 2; program: ProgramContext; referredMemberId: string; level: ReferralLevel; action?: ReferralAction; nowMs?: number };

const referralSyncBatchMax = 20;
const kindOf = (level: ReferralLevel) => (level === 1 ? "referral" : "referral_second_level");

/** Records what this member owes a referrer's actor, delivered after the commit (and from the alarm until it lands or is parked). */
function owe(ctx: WriteContext, referrerId: string, referredId: string, level: ReferralLevel, action: ReferralAction): void {
  ctx.store.db.run(
    "INSERT OR IGNORE INTO referral_outbox (referrer_id, referred_id, level, action, owed_at_ms) VALUES (?, ?, ?, ?, ?)",
    referrerId,
    referredId,
    level,
    action,
    ctx.nowMs,
  );
  ctx.owesReferral = true;
}

/** A referred member joined: the referrer's view shows the referral as pending until this member is verified. */
export function noteReferralPending(ctx: WriteContext): void {
  if (ctx.profile.referredBy) owe(ctx, ctx.profile.referredBy, ctx.profile.id, 1, "pending");
}

/**
 * The referred member's qualifying action happened (a community member was verified, a venue
 * member's first posted purchase met the minimum spend): its referrer is owed a payout, recorded in
 * the same transaction as the action and delivered until the referrer's actor has taken it.
 */
export function owePayoutToReferrer(ctx: WriteContext, purchaseId: string | null): void {
  const referrer = ctx.profile.referredBy;
  if (!referrer || ctx.store.counters().referral_triggered) return;
  owe(ctx, referrer, ctx.profile.id, 1, "pay");
  ctx.store.updateCounters({ referral_triggered: 1, referral_purchase_id: purchaseId });
  ctx.emit("referral_recorded", ctx.nowMs, { data: { referrerId: referrer } });
}

/** The purchase that paid the referrer was refunded below the minimum: both levels are taken back. */
export function oweReferralReversal(ctx: WriteContext): void {
  const referrer = ctx.profile.referredBy;
  if (!referrer) return;
  owe(ctx, referrer, ctx.profile.id, 1, "reverse");
  ctx.emit("referral_reversed", ctx.nowMs, { data: { referrerId: referrer } });
}

/** This member's paid level-1 referral of `referredId` owes the second level to this member's own referrer. */
export function oweSecondLevel(ctx: WriteContext, referredId: string): void {
  const referrer = ctx.profile.referredBy;
  if (referrer && referrer !== referredId) owe(ctx, referrer, referredId, 2, "pay");
}

/**
 * A referral message from a referred member's actor (level 1) or from a referrer's (level 2). The
 * referred member's id is the source, so a redelivery never pays twice. Both levels count toward
 * the receiver's one daily cap; over it a referral is recorded and pays nothing. The second level is
 * owed only when the first level pays.
 */
export function creditReferral(ctx: WriteContext, command: ReferralCommand): CommandReply & { replayed?: boolean } {
  if (command.referredMemberId === ctx.profile.id) return rejectWith({ status: 422, code: "self_referral", message: "A member cannot be paid for referring themself" });
  const action = command.action ?? "pay";
  if (action === "pending") return notePending(ctx, command.referredMemberId);
  if (action === "reverse") return reverseReferral(ctx, command);
  const kind = kindOf(command.level);
  const reply = creditCommunity(ctx, { kind, sourceId: command.referredMemberId, occurredAtMs: ctx.nowMs, capped: overDailyCap(ctx) });
  if (reply.replayed || reply.status >= 300) return reply;
  const status = ctx.store.db.one<{ status: string }>("SELECT status FROM community_credits WHERE kind = ? AND source_id = ?", kind, command.referredMemberId)!.status;
  if (command.level === 1 && status === "credited") oweSecondLevel(ctx, command.referredMemberId);
  return reply;
}

function notePending(ctx: WriteContext, referredId: string): CommandReply {
  const day = localDay(ctx.nowMs, ctx.profile.timezone);
  const reply = { status: 200, body: { memberId: ctx.profile.id, referredMemberId: referredId, pending: true } };
  ctx.store.db.run(
    "INSERT OR IGNORE INTO community_credits (kind, source_id, points, feature, day, week, at_ms, status, reply) VALUES ('referral_pending', ?, 0, NULL, ?, ?, ?, 'noted', ?)",
    referredId,
    day,
    isoWeek(ctx.nowMs, ctx.profile.timezone),
    ctx.nowMs,
    JSON.stringify(reply),
  );
  return reply;
}

type CreditRow = { status: string; points: number; at_ms: number };

/**
 * Takes a referral back: paid points from the balance (what was spent becomes debt), out of the
 * tier-qualifying points (the tier falls at once), held points out of pending. A reversal that
 * arrives first leaves a marker, so the payout, if it comes later, pays nothing.
 */
function reverseReferral(ctx: WriteContext, command: ReferralCommand): CommandReply & { replayed?: boolean } {
  const { store } = ctx;
  const kind = kindOf(command.level);
  const source = command.referredMemberId;
  const ref = `${kind}:${source}`;
  const row = store.db.one<CreditRow>("SELECT status, points, at_ms FROM community_credits WHERE kind = ? AND source_id = ?", kind, source);
  if (row?.status === "reversed") return { status: 200, body: { memberId: ctx.profile.id, kind, sourceId: source, reversed: true }, replayed: true };
  let taken = 0;
  let debtAdded = 0;
  if (row?.status === "credited" && row.points > 0) {
    const claw = clawBack(store.balance(), row.points);
    for (const allocation of allocateDebit(store.liveLots(), claw.taken)) store.takeFromLot(allocation.lotId, allocation.points);
    store.updateCounters({ debt: store.counters().debt + claw.newDebt });
    takeBackQualifyingPoints(ctx, row.points, row.at_ms, ref);
    store.appendEntry({ kind: "action", delta: -claw.taken, pendingDelta: 0, ref, venueId: null, detail: { kind, sourceId: source, reversed: true, debtAdded: claw.newDebt }, atMs: ctx.nowMs });
    lowerTierAfterTakeback(ctx, "referral_reversed");
    taken = claw.taken;
    debtAdded = claw.newDebt;
    if (command.level === 1 && ctx.profile.referredBy && ctx.profile.referredBy !== source) owe(ctx, ctx.profile.referredBy, source, 2, "reverse");
  } else if (row?.status === "held") {
    store.appendEntry({ kind: "action", delta: 0, pendingDelta: -row.points, ref, venueId: null, detail: { kind, sourceId: source, reversed: true }, atMs: ctx.nowMs });
  }
  const reply = { status: 200, body: { memberId: ctx.profile.id, kind, sourceId: source, reversed: true, pointsTakenBack: taken, debtAdded, balance: store.balance(), tier: ctx.profile.tier } };
  if (row) {
    store.db.run("UPDATE community_credits SET status = 'reversed', reply = ? WHERE kind = ? AND source_id = ?", JSON.stringify(reply), kind, source);
  } else {
    store.db.run(
      "INSERT INTO community_credits (kind, source_id, points, feature, day, week, at_ms, status, reply) VALUES (?, ?, 0, NULL, ?, ?, ?, 'reversed', ?)",
      kind,
      source,
      localDay(ctx.nowMs, ctx.profile.timezone),
      isoWeek(ctx.nowMs, ctx.profile.timezone),
      ctx.nowMs,
      JSON.stringify(reply),
    );
  }
  ctx.emit("referral_reversed", ctx.nowMs, { data: { referredMemberId: source, level: command.level, pointsTakenBack: taken } });
  return reply;
}

/** Both levels count toward the receiving account's one daily cap. */
function overDailyCap(ctx: WriteContext): boolean {
  const cap = referralRulesOf(ctx.config)?.dailyCap ?? null;
  if (cap === null) return false;
  const today = localDay(ctx.nowMs, ctx.profile.timezone);
  return ctx.store.db.one<{ count: number }>(`SELECT COUNT(*) AS count FROM community_credits WHERE kind IN ('referral', 'referral_second_level') AND status IN ${acceptedStatuses} AND day = ?`, today)!.count >= cap;
}

/** What the member's view says of referrals: paid or held, capped, still waiting for the referred member, and points earned. */
export function referralSummary(store: LedgerStore) {
  return store.db.one<{ count: number; pending: number; points_earned: number }>(
    `SELECT COUNT(*) FILTER (WHERE kind = 'referral' AND status IN ('credited', 'held', 'capped')) AS count,
            COALESCE(SUM(points) FILTER (WHERE kind IN ('referral', 'referral_second_level') AND status = 'credited'), 0) AS points_earned,
            COUNT(*) FILTER (WHERE kind = 'referral_pending' AND NOT EXISTS (SELECT 1 FROM community_credits AS paid WHERE paid.kind = 'referral' AND paid.source_id = community_credits.source_id)) AS pending
     FROM community_credits WHERE kind IN ('referral', 'referral_second_level', 'referral_pending')`,
  )!;
}

export function hasReferralSync(store: LedgerStore): boolean {
  return store.db.one("SELECT 1 AS owed FROM referral_outbox WHERE parked_at_ms IS NULL LIMIT 1") !== undefined;
}

type OwedRow = { referrer_id: string; referred_id: string; level: ReferralLevel; action: ReferralAction };

/**
 * Delivers owed referral messages to the referrers' actors, oldest first. A row goes once its
 * referrer has taken it; a refusal (the referrer left the program, a self-referral) cannot change
 * on retry, so it is parked with its reason for an operator, never dropped.
 */
export async function deliverReferrals(store: LedgerStore, members: Env["MEMBER"], program: ProgramContext, nowMs: number): Promise<void> {
  const rows = store.db.all<OwedRow>("SELECT referrer_id, referred_id, level, action FROM referral_outbox WHERE parked_at_ms IS NULL ORDER BY rowid LIMIT ?", referralSyncBatchMax);
  for (const row of rows) {
    const reply = await members.getByName(row.referrer_id).creditReferral({ v: memberRpcVersion, program, referredMemberId: row.referred_id, level: row.level, action: row.action });
    const key = [row.referrer_id, row.referred_id, row.level, row.action] as const;
    if (reply.status < 300) store.db.run("DELETE FROM referral_outbox WHERE referrer_id = ? AND referred_id = ? AND level = ? AND action = ?", ...key);
    else if (reply.status < 500) {
      const error = (reply.body as { error?: { code?: string; message?: string } }).error;
      store.db.run(
        "UPDATE referral_outbox SET parked_code = ?, parked_message = ?, parked_at_ms = ? WHERE referrer_id = ? AND referred_id = ? AND level = ? AND action = ?",
        error?.code ?? `http_${reply.status}`,
        error?.message ?? "refused",
        nowMs,
        ...key,
      );
    }
  }
}

/** Referral messages this member still owes, and those parked with the referrer's refusal: the operator's view. */
export function owedReferrals(store: LedgerStore) {
  return store.db
    .all<OwedRow & { owed_at_ms: number; parked_code: string | null; parked_message: string | null; parked_at_ms: number | null }>("SELECT * FROM referral_outbox ORDER BY rowid LIMIT 200")
    .map((row) => ({
      referrerId: row.referrer_id,
      referredMemberId: row.referred_id,
      level: row.level,
      action: row.action,
      owedAt: new Date(row.owed_at_ms).toISOString(),
      parked: row.parked_at_ms === null ? null : { code: row.parked_code, message: row.parked_message, at: new Date(row.parked_at_ms).toISOString() },
    }));
}
