import { describe, expect, it } from "vitest";
import { cookieIsSecure, cookieName, sessionState } from "./session-rules";

const dayMs = 86_400_000;
const now = Date.parse("2026-11-27T12:00:00Z");
const session = { epoch: 0, lastSeenAtMs: now - dayMs, expiresAtMs: now + 20 * dayMs };

describe("sessionState", () => {
  it("keeps a session used within the idle window and before its absolute expiry", () => {
    expect(sessionState(session, now, 7 * dayMs, 0)).toBe("active");
  });

  it("ends a session unused for the idle window, at its absolute expiry, and after sign-out everywhere", () => {
    expect(sessionState({ ...session, lastSeenAtMs: now - 7 * dayMs }, now, 7 * dayMs, 0)).toBe("idle_expired");
    expect(sessionState({ ...session, expiresAtMs: now }, now, 7 * dayMs, 0)).toBe("expired");
    expect(sessionState(session, now, 7 * dayMs, 1)).toBe("signed_out");
  });
});

describe("cookieIsSecure", () => {
  it("drops Secure only for plain-http localhost", () => {
    expect(cookieIsSecure("http://127.0.0.1:8787")).toBe(false);
    expect(cookieIsSecure("http://localhost:8787")).toBe(false);
    expect(cookieIsSecure("https://loyalty.example")).toBe(true);
    expect(cookieIsSecure("http://loyalty.example")).toBe(true);
  });
});

describe("cookieName", () => {
  it("takes the __Host- prefix wherever the cookie is Secure, and keeps the plain name on http localhost", () => {
    expect(cookieName("loyalty_session", "https://loyalty.example")).toBe("__Host-loyalty_session");
    expect(cookieName("loyalty_kiosk", "https://loyalty.example:8443")).toBe("__Host-loyalty_kiosk");
    expect(cookieName("loyalty_session", "http://127.0.0.1:8787")).toBe("loyalty_session");
    expect(cookieName("loyalty_session", "http://localhost:8787")).toBe("loyalty_session");
  });
});
