import { lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { kioskSessions, loginLinks, memberSessions, siweNonces } from "../../db/schema";
import { sessionLifetimes } from "./session-store";

const dayMs = 86_400_000;

/**
 * The hourly clean-up of sign-in state nobody can use any more: sessions past their absolute or
 * idle expiry, kiosk sessions past theirs, and login links and nonces a day after they expired
 * (kept that long so a late attempt still gets its precise refusal, not a different one).
 */
export async function pruneExpiredSignIns(env: Pick<Env, "DB" | "SESSION_IDLE_DAYS" | "SESSION_ABSOLUTE_DAYS">, nowMs: number): Promise<void> {
  const db = drizzle(env.DB);
  const { idleMs } = sessionLifetimes(env);
  await db.batch([
    db.delete(memberSessions).where(or(lt(memberSessions.expiresAtMs, nowMs), lt(memberSessions.lastSeenAtMs, nowMs - idleMs))),
    db.delete(kioskSessions).where(lt(kioskSessions.expiresAtMs, nowMs)),
    db.delete(loginLinks).where(lt(loginLinks.expiresAtMs, nowMs - dayMs)),
    db.delete(siweNonces).where(lt(siweNonces.expiresAtMs, nowMs - dayMs)),
  ]);
}
