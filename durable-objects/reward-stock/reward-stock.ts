import { DurableObject } from "cloudflare:workers";
import { type UnitState, isClaimed, unitFollowing } from "../../domain/rewards/stock-units";
import { type FollowCommand, type ReserveCommand, type ReserveReply, type StockCounts, assertStockVersion, stockRpcVersion } from "./stock-rpc";
import { applyStockSchema } from "./stock-schema";
import { publishLevel } from "./stock-level";

/** How long a unit stays held for a redemption in flight before the stock asks the member what happened. */
export const holdMs = 60_000;
/** Consumed and released units are forgotten after this (well past the Member's key retention). */
export const settledRetentionMs = 30 * 86_400_000;
/** How long a reserve waits for units held by requests in flight before it answers "out of stock". */
const inFlightWaitMs = 2_000;
const lapsedHoldsPerRunMax = 50;
const prunePerRunMax = 500;
const retryMs = 5_000;

type HoldRow = { hold_id: string; member_id: string; day: string; status: UnitState; token: string | null; expires_at_ms: number };

/**
 * One object per stocked reward: the single place that serialises its inventory and per-day cap,
 * so parallel redemptions never oversell. A redemption holds a unit, the member's actor decides,
 * and the unit then follows what the Member durably says of that redemption (`follow`): issued,
 * consumed, or released when it was refused or cancelled. A hold nobody settles lapses: the alarm
 * asks the Member, which answers from its storage and refuses the redemption from then on.
 */
export class RewardStock extends DurableObject<Env> {
  private publishing = false;
  /** Reserves waiting for a held unit to move (see `reserve`). */
  private readonly waiting = new Set<() => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => applyStockSchema(ctx.storage.sql));
  }

  /**
   * Holds a unit for a redemption. A request the stock has seen before claims nothing new: its
   * unit, live or already returned, is the one it had. When no unit is free but some are held by
   * requests in flight, the answer waits (briefly) for them: a claim refused for want of points
   * gives its unit back, and only then is "out of stock" the truth.
   */
  async reserve(command: ReserveCommand): Promise<ReserveReply> {
    assertStockVersion(command.v);
    const deadlineMs = Date.now() + inFlightWaitMs;
    for (;;) {
      const nowMs = Date.now();
      const decision = this.ctx.storage.transactionSync(() => this.tryReserve(command, nowMs));
      if (decision.kind === "wait" && nowMs < deadlineMs) {
        await this.heldUnitMoves(deadlineMs);
        continue;
      }
      const reply = decision.kind === "wait" ? decision.refusal : decision.reply;
      if (decision.kind === "claimed" && !command.dryRun) {
        this.publish();
        await this.wakeBy(nowMs + holdMs);
      }
      return reply;
    }
  }

  private tryReserve(command: ReserveCommand, nowMs: number): { kind: "claimed" | "reply"; reply: ReserveReply } | { kind: "wait"; refusal: ReserveReply } {
    const sql = this.ctx.storage.sql;
    const existing = sql.exec<HoldRow>("SELECT * FROM holds WHERE hold_id = ?", command.holdId).toArray()[0];
    if (existing) return { kind: "reply", reply: { ok: true, token: existing.token ?? "", live: existing.status !== "released" } };
    const totals = this.totals();
    const refusal = this.refusal(command, totals);
    if (refusal) return totals.held > 0 ? { kind: "wait", refusal } : { kind: "reply", reply: refusal };
    const token = crypto.randomUUID();
    if (command.dryRun) return { kind: "reply", reply: { ok: true, token, live: true } };
    sql.exec(
      "INSERT INTO holds (hold_id, member_id, day, status, token, expires_at_ms, updated_at_ms) VALUES (?, ?, ?, 'held', ?, ?, ?)",
      command.holdId,
      command.memberId,
      command.day,
      token,
      nowMs + holdMs,
      nowMs,
    );
    this.count("held", 1, command.day, 1);
    if (totals.reward_id === null) sql.exec("UPDATE totals SET reward_id = ? WHERE id = 1", command.rewardId);
    return { kind: "claimed", reply: { ok: true, token, live: true } };
  }

  private refusal(command: ReserveCommand, totals: StockCounts): ReserveReply | null {
    if (command.inventory !== null && totals.held + totals.issued + totals.consumed >= command.inventory) {
      return { ok: false, code: "out_of_stock", message: "This reward is out of stock" };
    }
    if (command.perDayCap === null) return null;
    const today = this.ctx.storage.sql.exec<{ claimed: number }>("SELECT claimed FROM day_claims WHERE day = ?", command.day).toArray()[0]?.claimed ?? 0;
    return today >= command.perDayCap ? { ok: false, code: "daily_cap_reached", message: `This reward can be redeemed ${command.perDayCap} time(s) a day; try again tomorrow` } : null;
  }

  /** Resolves when a held unit moves (issued or given back), or at the deadline. */
  private heldUnitMoves(deadlineMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadlineMs - Date.now()));
      this.waiting.add(done);
    });
  }

  /** Moves the unit held for a redemption to follow the Member's durable state of it. Idempotent. */
  async follow(command: FollowCommand): Promise<UnitState | null> {
    assertStockVersion(command.v);
    let heldMoved = false;
    const next = this.ctx.storage.transactionSync(() => {
      const hold = this.ctx.storage.sql.exec<HoldRow>("SELECT * FROM holds WHERE hold_id = ?", command.holdId).toArray()[0];
      if (!hold) return null;
      const state = unitFollowing(hold.status, hold.token, command.state, command.token);
      if (state !== hold.status) this.move(hold, state);
      heldMoved = hold.status === "held" && state !== "held";
      return state;
    });
    if (heldMoved) for (const done of [...this.waiting]) done();
    this.publish();
    if (next === "consumed" || next === "released") await this.wakeBy(Date.now() + settledRetentionMs);
    return next;
  }

  /** Version-1 Workers confirmed or released by their view of one answer; now both ask the Member. */
  async confirm(holdId: string): Promise<void> {
    await this.settleSoon(holdId);
  }

  async release(holdId: string): Promise<void> {
    await this.settleSoon(holdId);
  }

  /** Units in each state, and units left (null = unlimited) and claimed on `day`. */
  async level(inventory: number | null, day: string): Promise<StockCounts & { remaining: number | null; today: number }> {
    const totals = this.totals();
    const today = this.ctx.storage.sql.exec<{ claimed: number }>("SELECT claimed FROM day_claims WHERE day = ?", day).toArray()[0]?.claimed ?? 0;
    const claimed = totals.held + totals.issued + totals.consumed;
    return { ...totals, remaining: inventory === null ? null : Math.max(0, inventory - claimed), today };
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const nowMs = Date.now();
    try {
      const lapsed = sql.exec<HoldRow>("SELECT * FROM holds WHERE status = 'held' AND expires_at_ms <= ? LIMIT ?", nowMs, lapsedHoldsPerRunMax).toArray();
      for (const hold of lapsed) {
        const said = await this.env.MEMBER.getByName(hold.member_id).settleHold(hold.hold_id, hold.token);
        await this.follow({ v: stockRpcVersion, holdId: hold.hold_id, ...said });
      }
      sql.exec(
        "DELETE FROM holds WHERE hold_id IN (SELECT hold_id FROM holds WHERE status IN ('consumed', 'released') AND updated_at_ms < ? LIMIT ?)",
        nowMs - settledRetentionMs,
        prunePerRunMax,
      );
      await this.publishNow();
    } catch (error) {
      console.error("reward stock alarm failed; retrying", error);
      await this.ctx.storage.setAlarm(Date.now() + retryMs);
      return;
    }
    await this.scheduleNext();
  }

  private totals(): StockCounts & { seq: number; synced_seq: number; reward_id: string | null } {
    return this.ctx.storage.sql.exec<StockCounts & { seq: number; synced_seq: number; reward_id: string | null }>("SELECT * FROM totals WHERE id = 1").one();
  }

  /** Moves a unit and keeps the counts (per state, and claimed per day) that a reserve reads. */
  private move(hold: HoldRow, to: UnitState): void {
    const sql = this.ctx.storage.sql;
    sql.exec("UPDATE holds SET status = ?, updated_at_ms = ? WHERE hold_id = ?", to, Date.now(), hold.hold_id);
    const claimedChange = Number(isClaimed(to)) - Number(isClaimed(hold.status));
    this.count(hold.status, -1, hold.day, 0);
    this.count(to, 1, hold.day, claimedChange);
  }

  private count(state: UnitState, change: number, day: string, claimedChange: number): void {
    const sql = this.ctx.storage.sql;
    sql.exec(`UPDATE totals SET ${state} = ${state} + ?, seq = seq + 1 WHERE id = 1`, change);
    if (claimedChange !== 0) {
      sql.exec("INSERT INTO day_claims (day, claimed) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET claimed = claimed + excluded.claimed", day, claimedChange);
    }
  }

  private async settleSoon(holdId: string): Promise<void> {
    this.ctx.storage.sql.exec("UPDATE holds SET expires_at_ms = 0 WHERE hold_id = ? AND status = 'held'", holdId);
    await this.wakeBy(Date.now());
  }

  private async wakeBy(atMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }

  private async scheduleNext(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const lapse = sql.exec<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM holds WHERE status = 'held'").one().at;
    const prune = sql.exec<{ at: number | null }>("SELECT MIN(updated_at_ms) AS at FROM holds WHERE status IN ('consumed', 'released')").one().at;
    const totals = this.totals();
    const candidates = [lapse, prune === null ? null : prune + settledRetentionMs, totals.seq > totals.synced_seq ? Date.now() + retryMs : null].filter((at): at is number => at !== null);
    if (candidates.length === 0) return;
    await this.ctx.storage.setAlarm(Math.max(Math.min(...candidates), Date.now() + 1000));
  }

  /** Copies the level to the read side (the catalog reads it there), coalescing bursts. */
  private publish(): void {
    if (!this.publishing) this.ctx.waitUntil(this.publishNow().catch(() => this.wakeBy(Date.now() + retryMs)));
  }

  private async publishNow(): Promise<void> {
    if (this.publishing) return;
    this.publishing = true;
    try {
      for (let totals = this.totals(); totals.seq > totals.synced_seq && totals.reward_id !== null; totals = this.totals()) {
        const days = this.ctx.storage.sql.exec<{ day: string; claimed: number }>("SELECT day, claimed FROM day_claims ORDER BY day DESC LIMIT 3").toArray();
        await publishLevel(this.env.DB, { rewardId: totals.reward_id, claimed: totals.held + totals.issued + totals.consumed, days, seq: totals.seq });
        this.ctx.storage.sql.exec("UPDATE totals SET synced_seq = MAX(synced_seq, ?) WHERE id = 1", totals.seq);
      }
    } finally {
      this.publishing = false;
    }
  }
}
