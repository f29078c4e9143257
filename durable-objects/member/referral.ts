import { referralRulesOf } from "../../domain/community/action-rules";
import { localDay } from "../../domain/community/weekly-features";
import { memberRpcVersion } from "./rpc-types";
import type { ProgramContext } from "./rpc-types";
import { creditCommunity } from "./community-credit";
import type { LedgerStore } from "./ledger-store";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

export type ReferralLevel = 1 | 2;
export type ReferralCommand = { v: 2; program: ProgramContext; referredMemberId: string; level: ReferralLevel; nowMs?: number };

const referralSyncBatchMax = 20;

/**
 * The referred member's first qualifying action happened (a community member joined, a venue
 * member's first purchase posted): its referrer is owed a payout. The debt is recorded here, in the
 * same transaction as the action, and delivered until the referrer's actor has taken it.
 */
export function owePayoutToReferrer(ctx: WriteContext): void {
  const referrer = ctx.profile.referredBy;
  if (!referrer || ctx.store.counters().referral_triggered) return;
  ctx.store.db.run("INSERT OR IGNORE INTO referral_sync (referrer_id, referred_id, level) VALUES (?, ?, 1)", referrer, ctx.profile.id);
  ctx.owesReferral = true;
  ctx.store.updateCounters({ referral_triggered: 1 });
  ctx.emit("referral_recorded", ctx.nowMs, { data: { referrerId: referrer } });
}

/**
 * A payout for a member this member referred (level 1), or one its referee referred (level 2, a share,
 * once). The referred member's id is the source, so a redelivery never pays twice. Over the
 * referrer's daily cap the referral is recorded with its reason and pays nothing.
 */
export function creditReferral(ctx: WriteContext, command: ReferralCommand): CommandReply & { replayed?: boolean } {
  if (command.referredMemberId === ctx.profile.id) return rejectWith({ status: 422, code: "self_referral", message: "A member cannot be paid for referring themself" });
  const kind = command.level === 1 ? "referral" : "referral_second_level";
  const capped = command.level === 1 && overDailyCap(ctx);
  const reply = creditCommunity(ctx, { kind, sourceId: command.referredMemberId, occurredAtMs: ctx.nowMs, capped });
  if (reply.replayed || reply.status >= 300) return reply;
  const points = (reply.body as { points: number }).points;
  const counters = ctx.store.counters();
  ctx.store.updateCounters({ referral_count: counters.referral_count + (command.level === 1 ? 1 : 0), referral_points: counters.referral_points + points });
  // The referrer's own referrer gets the second level's share, once, through the same durable path.
  if (command.level === 1 && ctx.profile.referredBy && ctx.profile.referredBy !== command.referredMemberId) {
    ctx.store.db.run("INSERT OR IGNORE INTO referral_sync (referrer_id, referred_id, level) VALUES (?, ?, 2)", ctx.profile.referredBy, command.referredMemberId);
    ctx.owesReferral = true;
  }
  return reply;
}

function overDailyCap(ctx: WriteContext): boolean {
  const cap = referralRulesOf(ctx.config)?.dailyCap ?? null;
  if (cap === null) return false;
  const today = localDay(ctx.nowMs, ctx.profile.timezone);
  return ctx.store.db.one<{ count: number }>("SELECT COUNT(*) AS count FROM community_credits WHERE kind = 'referral' AND status = 'credited' AND day = ?", today)!.count >= cap;
}

export function hasReferralSync(store: LedgerStore): boolean {
  return store.db.one("SELECT 1 AS owed FROM referral_sync LIMIT 1") !== undefined;
}

/** Delivers owed payouts to the referrers' actors; a row is removed only once its referrer has answered. */
export async function deliverReferrals(store: LedgerStore, members: Env["MEMBER"], program: ProgramContext): Promise<void> {
  const rows = store.db.all<{ referrer_id: string; referred_id: string; level: ReferralLevel }>("SELECT referrer_id, referred_id, level FROM referral_sync LIMIT ?", referralSyncBatchMax);
  for (const row of rows) {
    const reply = await members.getByName(row.referrer_id).creditReferral({ v: memberRpcVersion, program, referredMemberId: row.referred_id, level: row.level });
    // A refusal (the referrer left the program, a self-referral) is final: retrying cannot change it.
    if (reply.status < 500) store.db.run("DELETE FROM referral_sync WHERE referrer_id = ? AND referred_id = ? AND level = ?", row.referrer_id, row.referred_id, row.level);
  }
}
