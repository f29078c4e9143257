import { and, eq, gt, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { loginLinks, memberSessions } from "../../db/schema";
import { randomToken, sha256Hex } from "../auth/crypto";

const dayMs = 86_400_000;
export const loginLinkLifetimeMs = 10 * 60_000;
const tokenLength = 32; // 160 bits of base32

export type SessionLifetimes = { idleMs: number; absoluteMs: number };

export function sessionLifetimes(env: Pick<Env, "SESSION_IDLE_DAYS" | "SESSION_ABSOLUTE_DAYS">): SessionLifetimes {
  const days = (value: string | undefined, fallback: number) => {
    const parsed = Number(value);
    return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
  };
  return { idleMs: days(env.SESSION_IDLE_DAYS, 7) * dayMs, absoluteMs: days(env.SESSION_ABSOLUTE_DAYS, 30) * dayMs };
}

/** Starts a session: the token goes to the cookie, only its hash is stored. */
export async function startSession(db: D1Database, member: { memberId: string; programId: string; epoch: number }, lifetimes: SessionLifetimes, nowMs: number) {
  const token = randomToken(tokenLength);
  const expiresAtMs = nowMs + lifetimes.absoluteMs;
  await drizzle(db).insert(memberSessions).values({ tokenHash: sha256Hex(token), ...member, createdAtMs: nowMs, lastSeenAtMs: nowMs, expiresAtMs });
  return { token, expiresAtMs };
}

export async function findSession(db: D1Database, token: string) {
  const [session] = await drizzle(db).select().from(memberSessions).where(eq(memberSessions.tokenHash, sha256Hex(token))).limit(1);
  return session ?? null;
}

export async function touchSession(db: D1Database, tokenHash: string, nowMs: number): Promise<void> {
  await drizzle(db).update(memberSessions).set({ lastSeenAtMs: nowMs }).where(eq(memberSessions.tokenHash, tokenHash));
}

export async function endSession(db: D1Database, tokenHash: string): Promise<void> {
  await drizzle(db).delete(memberSessions).where(eq(memberSessions.tokenHash, tokenHash));
}

/** Issues a one-time login link's token; only its hash is stored. */
export async function issueLoginLink(db: D1Database, link: { memberId: string; programId: string; createdBy: string }, nowMs: number) {
  const token = randomToken(tokenLength);
  const expiresAtMs = nowMs + loginLinkLifetimeMs;
  await drizzle(db).insert(loginLinks).values({ tokenHash: sha256Hex(token), ...link, expiresAtMs });
  return { token, expiresAtMs };
}

/** A login link that would sign its member in now (unused, unexpired), without using it. */
export async function findUsableLoginLink(db: D1Database, token: string, nowMs: number): Promise<{ memberId: string; programId: string } | null> {
  const [link] = await drizzle(db)
    .select({ memberId: loginLinks.memberId, programId: loginLinks.programId })
    .from(loginLinks)
    .where(and(eq(loginLinks.tokenHash, sha256Hex(token)), isNull(loginLinks.usedAtMs), gt(loginLinks.expiresAtMs, nowMs)))
    .limit(1);
  return link ?? null;
}

/** Deletes every login link issued for a member: "sign out everywhere" must also end the links still on their way. */
export async function revokeLoginLinks(db: D1Database, memberId: string): Promise<void> {
  await drizzle(db).delete(loginLinks).where(eq(loginLinks.memberId, memberId));
}

/**
 * Uses a login link, once: one conditional UPDATE marks it used and returns its member, so of any
 * number of concurrent uses exactly one gets the member and the rest get nothing.
 */
export async function useLoginLink(db: D1Database, token: string, nowMs: number): Promise<{ memberId: string; programId: string; issuedAtMs: number } | null> {
  const [used] = await drizzle(db)
    .update(loginLinks)
    .set({ usedAtMs: nowMs })
    .where(and(eq(loginLinks.tokenHash, sha256Hex(token)), isNull(loginLinks.usedAtMs), gt(loginLinks.expiresAtMs, nowMs)))
    .returning({ memberId: loginLinks.memberId, programId: loginLinks.programId, expiresAtMs: loginLinks.expiresAtMs });
  return used ? { memberId: used.memberId, programId: used.programId, issuedAtMs: used.expiresAtMs - loginLinkLifetimeMs } : null;
}
