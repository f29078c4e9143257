import type { Context, MiddlewareHandler } from "hono";
import { clientNetwork } from "../../domain/limits/client-network";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";

export type RateLimit = { name: string; limit: number; windowMs: number };

const minuteMs = 60_000;
const dayMs = 86_400_000;

/**
 * Sign-in limits, each its own bucket, so one guest on venue Wi-Fi who exhausts one (guessing login
 * links, say) does not lock every guest out of the others, nor the kiosk out of its sign-in.
 */
export const signInLimits = {
  /** SIWE nonce and verify, per client network: one sign-in is two hits. */
  perClient: { name: "siwe-client", limit: 30, windowMs: 10 * minuteMs },
  /** Login-link uses (a guessed token is a use), per client network. */
  loginLinkUse: { name: "login-link-use-client", limit: 30, windowMs: 10 * minuteMs },
  /** Venue-key sign-ins at /kiosk, per client network. */
  kioskSignIn: { name: "kiosk-sign-in-client", limit: 10, windowMs: 10 * minuteMs },
  /** Wallets linked to a signed-in member, per client network. */
  walletLinking: { name: "wallet-link-client", limit: 10, windowMs: 10 * minuteMs },
  /** Login links issued for one member. */
  perMember: { name: "login-links-member", limit: 10, windowMs: 10 * minuteMs },
  /**
   * Members a client network enrolls by a wallet's first sign-in, per day: a household or a venue's
   * Wi-Fi joins a few people a day; a farm of fresh wallets needs far more.
   */
  newMembersPerClient: { name: "new-members-client", limit: 5, windowMs: dayMs },
} as const satisfies Record<string, RateLimit>;

/**
 * A venue key enrolling members of a community program (its members normally join by signing in
 * with a wallet): per key. Restaurant programs are not limited: a venue's POS enrolls at the till.
 */
export const communityEnrollmentsPerVenueKey: RateLimit = { name: "community-enrollments-key", limit: 20, windowMs: 60 * minuteMs };

/** Who a per-client limit counts: the client's address, an IPv6 client's /64 (see clientNetwork). */
export function clientAddress(c: Context): string {
  return clientNetwork(c.req.header("CF-Connecting-IP") ?? "local");
}

/** Counts one hit for `subject` under `rule`; over the limit answers 429 rate_limited with Retry-After. */
export async function enforceLimit(env: Env, rule: RateLimit, subject: string, nowMs = Date.now()): Promise<void> {
  const result = await callActor(env.RATE_LIMITER, `${rule.name}:${subject}`, (limiter) => limiter.hit(rule.limit, rule.windowMs, nowMs));
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
