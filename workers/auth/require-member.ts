import type { MiddlewareHandler } from "hono";
import { needsTouch, sessionState } from "../../domain/sessions/session-rules";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { assertSameOrigin } from "./same-origin";
import { callActor } from "../ledger/call-actor";
import { readSessionCookie } from "../sessions/session-cookie";
import { findSession, sessionLifetimes, touchSession } from "../sessions/session-store";

/**
 * Authenticates a member by the session cookie. Cookie-authenticated writes must also come from the
 * deployment's own pages: their Origin must be `APP_ORIGIN` (CSRF defence on top of SameSite=Lax).
 */
export function requireMember(): MiddlewareHandler<AppEnv> {
  return async function requireMember(c, next) {
    assertSameOrigin(c);
    const token = readSessionCookie(c);
    if (!token) throw new ApiError(401, "unauthorized", "Sign in first: this route needs a member session");
    const session = await findSession(c.env.DB, token);
    if (!session) throw new ApiError(401, "unauthorized", "This session is over; sign in again");
    const nowMs = Date.now();
    const epoch = await callActor(c.env.MEMBER, session.memberId, (member) => member.sessionEpoch());
    const state = epoch === null ? "signed_out" : sessionState(session, nowMs, sessionLifetimes(c.env).idleMs, epoch);
    if (state !== "active") throw new ApiError(401, "session_expired", state === "signed_out" ? "You signed out everywhere; sign in again" : "This session has expired; sign in again");
    if (needsTouch(session, nowMs)) c.executionCtx.waitUntil(touchSession(c.env.DB, session.tokenHash, nowMs));
    c.set("principal", { kind: "member", memberId: session.memberId, programId: session.programId, sessionHash: session.tokenHash });
    return next();
  };
}
