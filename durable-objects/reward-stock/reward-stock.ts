import { DurableObject } from "cloudflare:workers";

/** How long a unit stays held for a redemption in flight before the stock asks the member what happened. */
export const holdMs = 60_000;
const lapsedHoldsPerRunMax = 50;

export type ReserveCommand = {
  holdId: string;
  memberId: string;
  /** Units the operator set; null = unlimited. The operator may change it; claimed units stay claimed. */
  inventory: number | null;
  perDayCap: number | null;
  /** Calendar day in the venue's time zone, for the per-day cap. */
  day: string;
  dryRun?: boolean;
};
export type ReserveReply = { ok: true } | { ok: false; code: "out_of_stock" | "daily_cap_reached"; message: string };

type HoldRow = { hold_id: string; member_id: string; day: string; status: "held" | "confirmed" | "released"; expires_at_ms: number };

/**
 * One object per stocked reward: the single place that serialises its inventory and per-day cap,
 * so parallel redemptions never oversell. A redemption holds a unit, then the member's actor
 * decides; the unit is confirmed or released. A hold left behind by a crash is settled by the
 * alarm, which asks the member's actor whether the redemption exists.
 */
export class RewardStock extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS holds (
        hold_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, day TEXT NOT NULL, status TEXT NOT NULL, expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS holds_day ON holds (day, status);
      CREATE INDEX IF NOT EXISTS holds_lapsing ON holds (expires_at_ms) WHERE status = 'held'`);
    });
  }

  async reserve(command: ReserveCommand): Promise<ReserveReply> {
    const sql = this.ctx.storage.sql;
    const reply = this.ctx.storage.transactionSync((): ReserveReply => {
      const existing = sql.exec<HoldRow>("SELECT * FROM holds WHERE hold_id = ?", command.holdId).toArray()[0];
      if (existing && existing.status !== "released") return { ok: true };
      const claimed = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE status != 'released'").one().n;
      if (command.inventory !== null && claimed >= command.inventory) return { ok: false, code: "out_of_stock", message: "This reward is out of stock" };
      if (command.perDayCap !== null) {
        const today = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE day = ? AND status != 'released'", command.day).one().n;
        if (today >= command.perDayCap) return { ok: false, code: "daily_cap_reached", message: `This reward can be redeemed ${command.perDayCap} time(s) a day; try again tomorrow` };
      }
      if (command.dryRun) return { ok: true };
      sql.exec(
        "INSERT INTO holds (hold_id, member_id, day, status, expires_at_ms) VALUES (?, ?, ?, 'held', ?) ON CONFLICT (hold_id) DO UPDATE SET status = 'held', day = excluded.day, expires_at_ms = excluded.expires_at_ms",
        command.holdId,
        command.memberId,
        command.day,
        Date.now() + holdMs,
      );
      return { ok: true };
    });
    if (reply.ok && !command.dryRun && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + holdMs);
    return reply;
  }

  async confirm(holdId: string): Promise<void> {
    this.ctx.storage.sql.exec("UPDATE holds SET status = 'confirmed' WHERE hold_id = ? AND status = 'held'", holdId);
  }

  async release(holdId: string): Promise<void> {
    this.ctx.storage.sql.exec("UPDATE holds SET status = 'released' WHERE hold_id = ?", holdId);
  }

  /** Units left (null = unlimited) and units claimed on `day`. */
  async level(inventory: number | null, day: string): Promise<{ remaining: number | null; today: number }> {
    const sql = this.ctx.storage.sql;
    const claimed = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE status != 'released'").one().n;
    const today = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM holds WHERE day = ? AND status != 'released'", day).one().n;
    return { remaining: inventory === null ? null : Math.max(0, inventory - claimed), today };
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const lapsed = sql.exec<HoldRow>("SELECT * FROM holds WHERE status = 'held' AND expires_at_ms <= ? LIMIT ?", Date.now(), lapsedHoldsPerRunMax).toArray();
    for (const hold of lapsed) {
      const exists = await this.env.MEMBER.getByName(hold.member_id).redemptionExists(hold.hold_id);
      sql.exec("UPDATE holds SET status = ? WHERE hold_id = ? AND status = 'held'", exists ? "confirmed" : "released", hold.hold_id);
    }
    const next = sql.exec<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM holds WHERE status = 'held'").one().at;
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 1000));
  }
}
