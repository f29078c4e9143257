import { and, eq, gt, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { kioskSessions, venueKeys } from "../../db/schema";
import { cookieIsSecure, cookieName } from "../../domain/sessions/session-rules";
import type { AppEnv } from "../app-env";
import { randomToken, sha256Hex } from "../auth/crypto";

/** The cookie's base name: `__Host-loyalty_kiosk` on https, `loyalty_kiosk` on http localhost. */
export const kioskCookieBase = "loyalty_kiosk";

function kioskCookieName(c: Context<AppEnv>): string {
  return cookieName(kioskCookieBase, c.env.APP_ORIGIN);
}

export function readKioskCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, kioskCookieName(c));
}
/** A tablet stays signed in for a month of shifts; revoking the venue key ends it at once. */
const kioskSessionLifetimeMs = 30 * 86_400_000;

export type KioskPrincipal = { kind: "venue"; venueId: string; programId: string; keyId: string };

export async function startKioskSession(c: Context<AppEnv>, venue: KioskPrincipal, nowMs: number): Promise<void> {
  const token = randomToken(32);
  const expiresAtMs = nowMs + kioskSessionLifetimeMs;
  await drizzle(c.env.DB).insert(kioskSessions).values({ tokenHash: sha256Hex(token), keyId: venue.keyId, venueId: venue.venueId, programId: venue.programId, createdAtMs: nowMs, expiresAtMs });
  // Strict: nothing links into a kiosk, so no other site's navigation ever needs to carry it.
  setCookie(c, kioskCookieName(c), token, { httpOnly: true, sameSite: "Strict", path: "/", secure: cookieIsSecure(c.env.APP_ORIGIN), expires: new Date(expiresAtMs) });
}

/** The venue a kiosk cookie stands for, while its session lives and its key is not revoked. */
export async function findKioskSession(c: Context<AppEnv>, nowMs: number): Promise<KioskPrincipal | null> {
  const token = readKioskCookie(c);
  if (!token) return null;
  const [session] = await drizzle(c.env.DB)
    .select({ keyId: kioskSessions.keyId, venueId: kioskSessions.venueId, programId: kioskSessions.programId })
    .from(kioskSessions)
    .innerJoin(venueKeys, eq(venueKeys.id, kioskSessions.keyId))
    .where(and(eq(kioskSessions.tokenHash, sha256Hex(token)), gt(kioskSessions.expiresAtMs, nowMs), isNull(venueKeys.revokedAt)))
    .limit(1);
  return session ? { kind: "venue", ...session } : null;
}

export async function endKioskSession(c: Context<AppEnv>): Promise<void> {
  const token = readKioskCookie(c);
  if (token) await drizzle(c.env.DB).delete(kioskSessions).where(eq(kioskSessions.tokenHash, sha256Hex(token)));
  deleteCookie(c, kioskCookieName(c), { path: "/", secure: cookieIsSecure(c.env.APP_ORIGIN) });
}
