import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";

export type RateLimit = { name: string; limit: number; windowMs: number };

/** Sign-in routes: per client address and per member, so neither guessing nor flooding one member pays. */
export const signInLimits = {
  perClient: { name: "sign-in-client", limit: 30, windowMs: 10 * 60_000 },
  perMember: { name: "login-links-member", limit: 10, windowMs: 10 * 60_000 },
} as const satisfies Record<string, RateLimit>;

export function clientAddress(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "local";
}

/** Counts one hit for `subject` under `rule`; over the limit answers 429 rate_limited with Retry-After. */
export async function enforceLimit(env: Env, rule: RateLimit, subject: string): Promise<void> {
  const result = await callActor(env.RATE_LIMITER, `${rule.name}:${subject}`, (limiter) => limiter.hit(rule.limit, rule.windowMs));
  if (!result.allowed) {
    throw new ApiError(429, "rate_limited", `Too many attempts; try again in ${result.retryAfterSeconds} s`, { retryAfterSeconds: result.retryAfterSeconds }, { "Retry-After": String(result.retryAfterSeconds) });
  }
}

/** A route's limit per client address. */
export function limitPerClient(rule: RateLimit): MiddlewareHandler<AppEnv> {
  return async function limitPerClient(c, next) {
    await enforceLimit(c.env, rule, clientAddress(c));
    return next();
  };
}
