import type { SpendableLot } from "../../domain/ledger/spend";
import type { CountedSql } from "./counted-sql";

export type Counters = {
  lifetime_points: number;
  lifetime_spend_cents: number;
  visits: number;
  debt: number;
  last_activity_ms: number | null;
  birthday_bonus_year: number | null;
  inactivity_warned_for_ms: number | null;
  next_review_ms: number | null;
  event_seq: number;
  streak_current: number;
  streak_longest: number;
  streak_last_day: string | null;
  streak_warned_day: string | null;
  community_active_ms: number | null;
  inactive_warned_ms: number | null;
  referral_triggered: number;
  snapshot_due_ms: number | null;
  verified_at_ms: number | null;
  referral_purchase_id: string | null;
};

export type PurchaseRow = {
  id: string;
  venue_id: string;
  amount_cents: number;
  points: number;
  refunded_cents: number;
  reversed_points: number;
  status: "pending" | "posted" | "voided";
  occurred_at_ms: number;
  posts_at_ms: number;
  breakdown: string;
  request_hash: string | null;
};

export type LotRow = {
  id: number;
  source: string;
  venue_id: string | null;
  earned_at_ms: number;
  expires_at_ms: number | null;
  amount: number;
  remaining: number;
  warned: number;
};

export type RedemptionRow = {
  id: string;
  reward_id: string;
  code: string;
  venue_id: string | null;
  points: number;
  status: "issued" | "consumed" | "cancelled";
  allocations: string;
  created_at_ms: number;
  updated_at_ms: number;
  request_hash: string | null;
  reply: string | null;
  hold_token: string | null;
  stocked: number;
};

export type VenueStats = { purchases: number; visits: number; spend_cents: number };

export type EntryKind = "earn" | "post" | "redeem" | "expire" | "refund" | "adjust" | "settle" | "action";
export type EntryInput = { kind: EntryKind; delta: number; pendingDelta: number; ref: string | null; venueId: string | null; detail: unknown; atMs: number };

/** Reads and writes of the member's ledger tables. Callers run inside `transactionSync`. */
export class LedgerStore {
  /** Set when a write changes lots or the journal's balance: only such a write can break §3's invariant. */
  balanceChanged = false;

  constructor(readonly db: CountedSql) {}

  counters(): Counters {
    return this.db.one<Counters>("SELECT * FROM counters WHERE id = 1")!;
  }

  updateCounters(changes: Partial<Omit<Counters, "event_seq">>): void {
    const keys = Object.keys(changes) as (keyof typeof changes)[];
    if (keys.length === 0) return;
    this.db.run(`UPDATE counters SET ${keys.map((key) => `${key} = ?`).join(", ")} WHERE id = 1`, ...keys.map((key) => changes[key] ?? null));
  }

  nextEventSeq(): number {
    return this.db.one<{ event_seq: number }>("UPDATE counters SET event_seq = event_seq + 1 WHERE id = 1 RETURNING event_seq")!.event_seq;
  }

  balance(): number {
    return this.db.one<{ total: number }>("SELECT COALESCE(SUM(remaining), 0) AS total FROM lots WHERE remaining > 0")!.total;
  }

  pendingPoints(): number {
    return this.db.one<{ total: number }>("SELECT COALESCE(SUM(points - reversed_points), 0) AS total FROM purchases WHERE status = 'pending'")!.total;
  }

  /** The balance the journal says, from its last entry (each entry carries the running total). */
  journalBalance(): number {
    return this.db.one<{ balance_after: number }>("SELECT balance_after FROM entries ORDER BY seq DESC LIMIT 1")?.balance_after ?? 0;
  }

  /** Appends a journal entry; answers the balance after it (the journal's running total, equal to the lots' by §3). */
  appendEntry(entry: EntryInput): number {
    if (entry.delta !== 0) this.balanceChanged = true;
    const balanceAfter = this.journalBalance() + entry.delta;
    this.db.run(
      "INSERT INTO entries (kind, delta, pending_delta, balance_after, ref, venue_id, detail, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      entry.kind,
      entry.delta,
      entry.pendingDelta,
      balanceAfter,
      entry.ref,
      entry.venueId,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
      entry.atMs,
    );
    return balanceAfter;
  }

  liveLots(): (SpendableLot & { source: string })[] {
    return this.db
      .all<LotRow>("SELECT * FROM lots WHERE remaining > 0")
      .map((lot) => ({ id: lot.id, source: lot.source, venueId: lot.venue_id, expiresAtMs: lot.expires_at_ms, earnedAtMs: lot.earned_at_ms, remaining: lot.remaining }));
  }

  /** A lot of `amount` points; `kind` is the credit kind that earned them (`purchase`, an action kind, `adjustment`), which decides whether they settle as tokens. */
  addLot(source: string, venueId: string | null, earnedAtMs: number, expiresAtMs: number | null, amount: number, kind: string | null): void {
    this.balanceChanged = true;
    this.db.run(
      "INSERT INTO lots (source, venue_id, earned_at_ms, expires_at_ms, amount, remaining, kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
      source,
      venueId,
      earnedAtMs,
      expiresAtMs,
      amount,
      amount,
      kind,
    );
  }

  /** The credit kind of a lot (null: unknown, a lot from before issue 23); lots are never deleted, so a spent lot still answers. */
  lotKind(lotId: number): string | null {
    return this.db.one<{ kind: string | null }>("SELECT kind FROM lots WHERE id = ?", lotId)?.kind ?? null;
  }

  /** Live lots with their credit kind, for the payout rule. */
  kindedLots(): (SpendableLot & { kind: string | null })[] {
    return this.db
      .all<LotRow & { kind: string | null }>("SELECT * FROM lots WHERE remaining > 0")
      .map((lot) => ({ id: lot.id, kind: lot.kind, venueId: lot.venue_id, expiresAtMs: lot.expires_at_ms, earnedAtMs: lot.earned_at_ms, remaining: lot.remaining }));
  }

  takeFromLot(lotId: number, points: number): void {
    this.balanceChanged = true;
    this.db.run("UPDATE lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?", points, lotId, points);
  }

  purchase(id: string): PurchaseRow | undefined {
    return this.db.one<PurchaseRow>("SELECT * FROM purchases WHERE id = ?", id);
  }

  insertPurchase(row: PurchaseRow): void {
    this.db.run(
      "INSERT INTO purchases (id, venue_id, amount_cents, points, refunded_cents, reversed_points, status, occurred_at_ms, posts_at_ms, breakdown, request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.id,
      row.venue_id,
      row.amount_cents,
      row.points,
      row.refunded_cents,
      row.reversed_points,
      row.status,
      row.occurred_at_ms,
      row.posts_at_ms,
      row.breakdown,
      row.request_hash,
    );
  }

  updatePurchase(id: string, changes: Pick<PurchaseRow, "refunded_cents" | "reversed_points" | "status">): void {
    this.db.run("UPDATE purchases SET refunded_cents = ?, reversed_points = ?, status = ? WHERE id = ?", changes.refunded_cents, changes.reversed_points, changes.status, id);
  }

  /**
   * The tier-qualifying metrics of a window (`fromMs` null: all time). Points come from the record of
   * qualifying points by when they were earned (takebacks included), spend and visits from the
   * purchases posted in the window. Credit time, refund time and review time all read this.
   */
  qualifyingMetrics(fromMs: number | null): { lifetimePoints: number; lifetimeSpendCents: number; visits: number } {
    if (fromMs === null) {
      const counters = this.counters();
      return { lifetimePoints: counters.lifetime_points, lifetimeSpendCents: counters.lifetime_spend_cents, visits: counters.visits };
    }
    const row = this.db.one<{ points: number; spend: number; visits: number | null }>(
      `SELECT (SELECT COALESCE(SUM(delta), 0) FROM qualifying_points WHERE earned_at_ms >= ?1) AS points,
              COALESCE(SUM(amount_cents - refunded_cents), 0) AS spend, SUM(CASE WHEN refunded_cents < amount_cents THEN 1 ELSE 0 END) AS visits
       FROM purchases WHERE status = 'posted' AND posts_at_ms >= ?1`,
      fromMs,
    )!;
    return { lifetimePoints: Math.max(0, row.points), lifetimeSpendCents: row.spend, visits: row.visits ?? 0 };
  }

  /** Records a change to tier-qualifying points, dated by when the points were earned; the caller updates lifetime_points with it. */
  recordQualifyingPoints(delta: number, earnedAtMs: number, ref: string): void {
    if (delta !== 0) this.db.run("INSERT INTO qualifying_points (earned_at_ms, delta, ref) VALUES (?, ?, ?)", earnedAtMs, delta, ref);
  }

  duePurchases(nowMs: number, limit: number): PurchaseRow[] {
    return this.db.all<PurchaseRow>("SELECT * FROM purchases WHERE status = 'pending' AND posts_at_ms <= ? ORDER BY posts_at_ms LIMIT ?", nowMs, limit);
  }

  /** Adds to the member's figures at one venue and returns them as they now stand. */
  bumpVenueStats(venueId: string, change: { purchases?: number; visits?: number; spendCents?: number }): VenueStats {
    return this.db.one<VenueStats>(
      `INSERT INTO venue_stats (venue_id, purchases, visits, spend_cents) VALUES (?, ?, ?, ?)
       ON CONFLICT (venue_id) DO UPDATE SET purchases = purchases + excluded.purchases, visits = visits + excluded.visits, spend_cents = spend_cents + excluded.spend_cents
       RETURNING purchases, visits, spend_cents`,
      venueId,
      change.purchases ?? 0,
      change.visits ?? 0,
      change.spendCents ?? 0,
    )!;
  }

  redemption(id: string): RedemptionRow | undefined {
    return this.db.one<RedemptionRow>("SELECT * FROM redemptions WHERE id = ?", id);
  }

  redemptionCount(rewardId: string): number {
    return this.db.one<{ n: number }>("SELECT COUNT(*) AS n FROM redemptions WHERE reward_id = ? AND status != 'cancelled'", rewardId)!.n;
  }

  redemptionCounts(): Map<string, number> {
    const rows = this.db.all<{ reward_id: string; n: number }>("SELECT reward_id, COUNT(*) AS n FROM redemptions WHERE status != 'cancelled' GROUP BY reward_id");
    return new Map(rows.map((row) => [row.reward_id, row.n]));
  }

  insertRedemption(row: RedemptionRow): void {
    this.db.run(
      "INSERT INTO redemptions (id, reward_id, code, venue_id, points, status, allocations, created_at_ms, updated_at_ms, request_hash, reply, hold_token, stocked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.id,
      row.reward_id,
      row.code,
      row.venue_id,
      row.points,
      row.status,
      row.allocations,
      row.created_at_ms,
      row.updated_at_ms,
      row.request_hash,
      row.reply,
      row.hold_token,
      row.stocked,
    );
  }

  /** A status change of a stocked redemption also queues the stock's follow-up, in the same transaction. */
  setRedemptionStatus(row: RedemptionRow, status: RedemptionRow["status"], atMs: number): void {
    this.db.run("UPDATE redemptions SET status = ?, updated_at_ms = ? WHERE id = ?", status, atMs, row.id);
    if (row.stocked) this.db.run("INSERT INTO stock_sync (redemption_id, reward_id) VALUES (?, ?) ON CONFLICT (redemption_id) DO NOTHING", row.id, row.reward_id);
  }
}
