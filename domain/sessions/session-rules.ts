/** What a member session is at `nowMs`: live, or why it ended. */
export type SessionState = "active" | "idle_expired" | "expired" | "signed_out";

export type SessionFacts = { epoch: number; lastSeenAtMs: number; expiresAtMs: number };

/**
 * A session ends after `idleMs` unused, at its absolute expiry, or once the member signed out
 * everywhere (the member's epoch moved past the session's).
 */
export function sessionState(session: SessionFacts, nowMs: number, idleMs: number, memberEpoch: number): SessionState {
  if (session.epoch < memberEpoch) return "signed_out";
  if (nowMs >= session.expiresAtMs) return "expired";
  if (nowMs - session.lastSeenAtMs >= idleMs) return "idle_expired";
  return "active";
}

/** Last-seen is written at most this often, so a busy member does not write D1 on every request. */
export const lastSeenResolutionMs = 60_000;

export function needsTouch(session: SessionFacts, nowMs: number): boolean {
  return nowMs - session.lastSeenAtMs >= lastSeenResolutionMs;
}

/** `Secure` everywhere except plain-http localhost, where a browser would refuse to send the cookie back. */
export function cookieIsSecure(appOrigin: string): boolean {
  const url = new URL(appOrigin);
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
  return !(url.protocol === "http:" && local);
}

/**
 * A cookie's name: `__Host-` + `base` wherever the cookie is Secure, so the browser takes it only
 * with Secure, Path=/ and no Domain, and a sibling subdomain or a plain-http page cannot plant or
 * overwrite it. Plain `base` on plain-http localhost, where Secure (which `__Host-` needs) is off.
 */
export function cookieName(base: string, appOrigin: string): string {
  return cookieIsSecure(appOrigin) ? `__Host-${base}` : base;
}
