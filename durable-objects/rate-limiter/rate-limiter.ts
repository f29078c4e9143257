import { DurableObject } from "cloudflare:workers";
import { type WindowState, hitWindow } from "../../domain/limits/fixed-window";

/**
 * One object per rate-limited subject (a client address, a member). Counts live in memory: a limit
 * is a brake on abuse, not a ledger, so an eviction that forgets a window is acceptable. Cloudflare's
 * rate-limiting binding allows only 10 s and 60 s periods; sign-in limits want longer windows.
 */
export class RateLimiter extends DurableObject<Env> {
  private window: WindowState | null = null;

  async hit(limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const result = hitWindow(this.window, limit, windowMs, Date.now());
    this.window = result.state;
    return { allowed: result.allowed, retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000) };
  }
}
