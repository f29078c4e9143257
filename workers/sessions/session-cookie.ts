import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { cookieIsSecure } from "../../domain/sessions/session-rules";

export const sessionCookieName = "loyalty_session";

/** HttpOnly (no script reads it), SameSite=Lax, Path=/, Secure except on plain-http localhost. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAtMs: number): void {
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: cookieIsSecure(c.env.APP_ORIGIN),
    expires: new Date(expiresAtMs),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName, { path: "/", secure: cookieIsSecure(c.env.APP_ORIGIN) });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName);
}
