import { nextTierProgress } from "../../domain/tiers/qualification";
import { effectiveStreak } from "../../domain/community/streak";
import { currentWeek, unlockMessage } from "./community-credit";
import { referralSummary } from "./referral";
import { heldPoints } from "./verification";
import { tokenSummary } from "./token-payout";
import { WriteContext } from "./write-context";
import type { EntryKind, LedgerStore } from "./ledger-store";
import type { MemberProfile } from "../../domain/members/member-profile";
import type { ProgramConfig } from "../../domain/programs/program-config";

const dayMs = 86_400_000;
export const ledgerPageMax = 200;

/** The member as the API shows it (§5): tier, points, what expires soon, progress to the next tier. */
export function memberView(store: LedgerStore, profile: MemberProfile, config: ProgramConfig | null, nowMs: number) {
  const counters = store.counters();
  const metrics = { lifetimePoints: counters.lifetime_points, lifetimeSpendCents: counters.lifetime_spend_cents, visits: counters.visits };
  const horizonMs = nowMs + Math.max(config?.expiry.warningDays ?? 30, 1) * dayMs;
  const expiringSoon = store.db
    .all<{ expires_at_ms: number; points: number }>(
      "SELECT expires_at_ms, SUM(remaining) AS points FROM lots WHERE remaining > 0 AND expires_at_ms IS NOT NULL AND expires_at_ms <= ? GROUP BY expires_at_ms ORDER BY expires_at_ms LIMIT 20",
      horizonMs,
    )
    .map((row) => ({ points: row.points, expiresAt: new Date(row.expires_at_ms).toISOString() }));
  const pendingPostings = store.db
    .all<{ id: string; venue_id: string; points: number; posts_at_ms: number }>(
      "SELECT id, venue_id, points - reversed_points AS points, posts_at_ms FROM purchases WHERE status = 'pending' ORDER BY posts_at_ms LIMIT 20",
    )
    .map((row) => ({ purchaseId: row.id, venueId: row.venue_id, points: row.points, postsAt: new Date(row.posts_at_ms).toISOString() }));
  const held = heldPoints({ store });
  const referrals = referralSummary(store);
  return {
    ...profile,
    verified: counters.verified_at_ms !== null,
    points: {
      available: store.balance(),
      pending: store.pendingPoints() + held,
      unlock: held > 0 && config ? { points: held, message: unlockMessage(config, held) } : null,
      pendingPostings,
      lifetime: counters.lifetime_points,
      debt: counters.debt,
      expiringSoon,
    },
    visits: counters.visits,
    lifetimeSpendCents: counters.lifetime_spend_cents,
    // The streak as it stands now: 0 once a day was missed, whatever the stored count (gates read this).
    streak: { current: effectiveStreak({ lastClaimDay: counters.streak_last_day, current: counters.streak_current }, nowMs, profile.timezone), longest: counters.streak_longest, lastClaimDay: counters.streak_last_day },
    referrals: { count: referrals.count, pending: referrals.pending, pointsEarned: referrals.points_earned },
    // Points reserved for a payout left `available`; settled ones arrived as tokens in the pinned wallet.
    tokens: tokenSummary(store, nowMs),
    week: config ? currentWeek(new WriteContext(store, profile, config, nowMs)) : null,
    nextTier: config ? nextTierProgress(config.tiers, profile.tier, metrics) : [],
  };
}

type EntryRow = { seq: number; kind: EntryKind; delta: number; pending_delta: number; balance_after: number; ref: string | null; venue_id: string | null; detail: string | null; at_ms: number };

/** The journal, newest first, a page at a time; `beforeSeq` is the cursor. */
export function ledgerPage(store: LedgerStore, limit: number, beforeSeq: number | null) {
  const rows = store.db.all<EntryRow>(
    "SELECT * FROM entries WHERE seq < ? ORDER BY seq DESC LIMIT ?",
    beforeSeq ?? Number.MAX_SAFE_INTEGER,
    Math.min(limit, ledgerPageMax) + 1,
  );
  const page = rows.slice(0, limit);
  return {
    entries: page.map((row) => ({
      seq: row.seq,
      kind: row.kind,
      delta: row.delta,
      pendingDelta: row.pending_delta,
      balanceAfter: row.balance_after,
      ref: row.ref,
      venueId: row.venue_id,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, string | number | boolean | null>) : null,
      at: new Date(row.at_ms).toISOString(),
    })),
    nextBeforeSeq: rows.length > limit ? page[page.length - 1].seq : null,
  };
}

type RedemptionRow = { id: string; reward_id: string; code: string; venue_id: string | null; points: number; status: string; created_at_ms: number; updated_at_ms: number };

/** The member's latest redemptions, newest first: what the member shows at the venue, and what was used. */
export function recentRedemptions(store: LedgerStore, limit: number) {
  return store.db
    .all<RedemptionRow>("SELECT id, reward_id, code, venue_id, points, status, created_at_ms, updated_at_ms FROM redemptions ORDER BY created_at_ms DESC LIMIT ?", Math.min(limit, ledgerPageMax))
    .map((row) => ({
      id: row.id,
      rewardId: row.reward_id,
      code: row.code,
      venueId: row.venue_id,
      points: row.points,
      status: row.status,
      createdAt: new Date(row.created_at_ms).toISOString(),
      updatedAt: new Date(row.updated_at_ms).toISOString(),
    }));
}
