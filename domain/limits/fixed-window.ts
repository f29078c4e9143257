export type WindowState = { startedAtMs: number; count: number };

/**
 * A fixed-window rate limit: at most `limit` hits per `windowMs`. A refused hit is not counted, and
 * says when the window reopens.
 */
export function hitWindow(state: WindowState | null, limit: number, windowMs: number, nowMs: number): { allowed: boolean; state: WindowState; retryAfterMs: number } {
  const current = state && nowMs - state.startedAtMs < windowMs ? state : { startedAtMs: nowMs, count: 0 };
  if (current.count >= limit) return { allowed: false, state: current, retryAfterMs: current.startedAtMs + windowMs - nowMs };
  return { allowed: true, state: { ...current, count: current.count + 1 }, retryAfterMs: 0 };
}
