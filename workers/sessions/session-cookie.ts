import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { cookieIsSecure, cookieName } from "../../domain/sessions/session-rules";

/** The cookie's base name: `__Host-loyalty_session` on https, `loyalty_session` on http localhost. */
export const sessionCookieBase = "loyalty_session";

export function sessionCookieName(appOrigin: string): string {
  return cookieName(sessionCookieBase, appOrigin);
}

/** HttpOnly (no script reads it), SameSite=Lax, Path=/, Secure except on plain-http localhost. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAtMs: number): void {
  setCookie(c, sessionCookieName(c.env.APP_ORIGIN), token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: cookieIsSecure(c.env.APP_ORIGIN),
    expires: new Date(expiresAtMs),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName(c.env.APP_ORIGIN), { path: "/", secure: cookieIsSecure(c.env.APP_ORIGIN) });
}

/** Only the name this deployment sets: on https a plain `loyalty_session` (which anyone could plant) is ignored. */
export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, sessionCookieName(c.env.APP_ORIGIN));
}
