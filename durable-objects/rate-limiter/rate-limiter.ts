import { DurableObject } from "cloudflare:workers";
import { type WindowState, hitWindow } from "../../domain/limits/fixed-window";

type WindowRow = { started_at_ms: number; count: number };

/**
 * One object per rate-limited subject (a limit's name and a client network, member or venue key).
 * Its window lives in the object's SQLite storage: an evicted or restarted limiter that forgot its
 * counts let 120 guesses through in a minute against a limit of 30 per 10 minutes. Cloudflare's
 * rate-limiting binding allows only 10 s and 60 s periods; sign-in limits want longer windows.
 * The alarm deletes the window once it has elapsed, so idle subjects leave nothing behind.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Counts one hit at `nowMs` against `limit` per `windowMs`; a refused hit is not counted. */
  async hit(limit: number, windowMs: number, nowMs = Date.now()): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    // Here rather than in the constructor: the alarm's deleteAll drops the table under a live instance.
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS fixed_window (id INTEGER PRIMARY KEY CHECK (id = 1), started_at_ms INTEGER NOT NULL, count INTEGER NOT NULL)");
    const [row] = this.ctx.storage.sql.exec<WindowRow>("SELECT started_at_ms, count FROM fixed_window WHERE id = 1").toArray();
    const before: WindowState | null = row ? { startedAtMs: row.started_at_ms, count: row.count } : null;
    const result = hitWindow(before, limit, windowMs, nowMs);
    if (result.allowed) {
      this.ctx.storage.sql.exec(
        "INSERT INTO fixed_window (id, started_at_ms, count) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET started_at_ms = excluded.started_at_ms, count = excluded.count",
        result.state.startedAtMs,
        result.state.count,
      );
      if (result.state.startedAtMs !== before?.startedAtMs) await this.ctx.storage.setAlarm(result.state.startedAtMs + windowMs);
    }
    return { allowed: result.allowed, retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000) };
  }

  /** The window has elapsed (a hit since would have moved the alarm): nothing is left to remember. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
