import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { MiddlewareHandler } from "hono";
import { venueKeys } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { TtlCache } from "../cache/ttl-cache";
import { ApiError } from "../errors/api-error";
import { findKioskSession, readKioskCookie } from "../sessions/kiosk-session";
import { secretsEqual, sha256Hex } from "./crypto";
import { assertSameOrigin } from "./same-origin";

type Allowed = { operator?: boolean; venue?: boolean };

const bearerPattern = /^Bearer\s+(\S+)\s*$/i;
export const venueKeyPrefix = "vk_";

type VenuePrincipal = { kind: "venue"; venueId: string; programId: string; keyId: string };

/** Valid venue keys by hash; a revocation reaches other isolates within the TTL. */
export const venueKeyCache = new TtlCache<VenuePrincipal>(60_000, 10_000);

/** The venue a venue API key belongs to, or null for an unknown or revoked key. */
export async function venueForKey(db: D1Database, key: string): Promise<VenuePrincipal | null> {
  return key.startsWith(venueKeyPrefix) ? findVenueKey(db, sha256Hex(key)) : null;
}

async function findVenueKey(db: D1Database, keyHash: string): Promise<VenuePrincipal | null> {
  const cached = venueKeyCache.get(keyHash);
  if (cached) return cached;
  const [key] = await drizzle(db).select().from(venueKeys).where(eq(venueKeys.keyHash, keyHash)).limit(1);
  if (!key || key.revokedAt) return null;
  const principal = { kind: "venue" as const, venueId: key.venueId, programId: key.programId, keyId: key.id };
  venueKeyCache.set(keyHash, principal);
  return principal;
}

/**
 * Authenticates the bearer as the operator token or a venue API key, whichever `allowed` accepts.
 * Where venues are allowed, a kiosk's session cookie stands for its venue key; its writes must come
 * from the deployment's own pages (Origin: APP_ORIGIN), as member sessions' do.
 */
export function requireAuth(allowed: Allowed): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const header = c.req.header("Authorization");
    const token = header?.match(bearerPattern)?.[1];
    if (!token && allowed.venue && readKioskCookie(c)) {
      assertSameOrigin(c);
      const kiosk = await findKioskSession(c, Date.now());
      if (!kiosk) throw new ApiError(401, "kiosk_signed_out", "This kiosk's session is over (or its venue key was revoked); sign the kiosk in again");
      c.set("principal", kiosk);
      return next();
    }
    if (!token) throw new ApiError(401, "unauthorized", "Send Authorization: Bearer <operator token or venue API key>");

    if (token.startsWith(venueKeyPrefix)) {
      const principal = await findVenueKey(c.env.DB, sha256Hex(token));
      if (!principal) throw new ApiError(401, "unauthorized", "Unknown or revoked venue API key");
      if (!allowed.venue) throw new ApiError(403, "operator_only", "This route needs the operator token, not a venue API key");
      c.set("principal", principal);
      return next();
    }

    const operatorToken = c.env.OPERATOR_TOKEN;
    if (!operatorToken || !secretsEqual(token, operatorToken)) {
      throw new ApiError(401, "unauthorized", "Unknown bearer token");
    }
    if (!allowed.operator) throw new ApiError(403, "venue_only", "This route needs a venue API key");
    c.set("principal", { kind: "operator" });
    return next();
  };
}
