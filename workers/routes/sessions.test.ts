import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { coalition, createReward, enroll, grant } from "../../test/ledger";
import { appOrigin, fromNewClient, signInByLink } from "../../test/sessions";
import { signInLimits } from "../middleware/rate-limit";

const origin = appOrigin;

const asMember = (cookie: string, method: string, path: string, headers: Record<string, string> = {}) =>
  call(method, path, { token: null, headers: { Cookie: cookie, ...headers } });

describe("member sessions from one-time login links", () => {
  it("signs a member in once with a kiosk's link, in an HttpOnly, SameSite=Lax, Secure cookie", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `link-${Date.now()}`);
    const { cookie, setCookie, link } = await signInByLink(venues[0].key, memberId);
    expect(link.url).toBe(`${origin}/login#${link.token}`);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Secure/);
    const me = await asMember(cookie, "GET", "/v1/me");
    expect([me.status, me.json.id]).toEqual([200, memberId]);
    expect((await asMember(cookie, "GET", "/v1/me/ledger")).status).toBe(200);
    const again = await call("POST", "/v1/auth/login-links/use", { token: null, body: { token: link.token } });
    expect([again.status, again.json.error.code]).toEqual([404, "login_link_invalid"]);
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM login_links WHERE token_hash = ?").bind(link.token).first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it("gives exactly one session to 10 concurrent uses of one link, and none to an expired link", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `race-${Date.now()}`);
    const link = await call("POST", `/v1/members/${memberId}/login-links`, { token: venues[0].key });
    const uses = await Promise.all(Array.from({ length: 10 }, () => call("POST", "/v1/auth/login-links/use", { token: null, body: { token: link.json.token }, headers: fromNewClient() })));
    expect(uses.filter((use) => use.status === 200)).toHaveLength(1);
    const late = await call("POST", `/v1/members/${memberId}/login-links`, { token: venues[0].key });
    await env.DB.prepare("UPDATE login_links SET expires_at_ms = ? WHERE member_id = ? AND used_at_ms IS NULL").bind(Date.now() - 1, memberId).run();
    expect((await call("POST", "/v1/auth/login-links/use", { token: null, body: { token: late.json.token }, headers: fromNewClient() })).status).toBe(404);
  });

  it("issues links only for members of the key's own program", async () => {
    const a = await coalition();
    const b = await coalition();
    const memberId = await enroll(a.venues[0].key, `own-${Date.now()}`);
    const foreign = await call("POST", `/v1/members/${memberId}/login-links`, { token: b.venues[0].key });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, "member_not_found"]);
  });

  it("keeps a member's session to that member: no operator or venue route, no other member", async () => {
    const { venues } = await coalition();
    const alice = await enroll(venues[0].key, `alice-${Date.now()}`);
    const bob = await enroll(venues[0].key, `bob-${Date.now()}`);
    const { cookie } = await signInByLink(venues[0].key, alice);
    expect((await asMember(cookie, "GET", `/v1/members/${bob}`)).status).toBe(401);
    expect((await asMember(cookie, "GET", `/v1/members/${alice}/ledger`)).status).toBe(401);
    expect((await asMember(cookie, "GET", "/v1/me")).json.id).toBe(alice);
    expect((await call("GET", "/v1/me", { token: null })).status).toBe(401);
  });

  it("refuses a signed-in write from another origin or without one", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `csrf-${Date.now()}`);
    const { cookie } = await signInByLink(venues[0].key, memberId);
    const forged = await asMember(cookie, "POST", "/v1/auth/logout", { Origin: "https://evil.example" });
    expect([forged.status, forged.json.error.code]).toEqual([403, "cross_origin_refused"]);
    expect((await asMember(cookie, "POST", "/v1/auth/logout")).status).toBe(403);
    expect((await asMember(cookie, "GET", "/v1/me")).status).toBe(200);
  });

  it("ends a session at logout, and every session at sign-out everywhere", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `out-${Date.now()}`);
    const first = await signInByLink(venues[0].key, memberId);
    const second = await signInByLink(venues[0].key, memberId);
    const third = await signInByLink(venues[0].key, memberId);
    const loggedOut = await asMember(first.cookie, "POST", "/v1/auth/logout", { Origin: origin });
    expect(loggedOut.status).toBe(204);
    expect(loggedOut.headers.get("Set-Cookie")).toMatch(/^__Host-loyalty_session=;/);
    expect((await asMember(first.cookie, "GET", "/v1/me")).status).toBe(401);
    expect((await asMember(second.cookie, "GET", "/v1/me")).status).toBe(200);
    expect((await asMember(second.cookie, "POST", "/v1/me/sign-out-everywhere", { Origin: origin })).status).toBe(204);
    for (const session of [second, third]) {
      const after = await asMember(session.cookie, "GET", "/v1/me");
      expect([after.status, after.json.error.code]).toEqual([401, "session_expired"]);
    }
    expect((await asMember((await signInByLink(venues[0].key, memberId)).cookie, "GET", "/v1/me")).status).toBe(200);
  });

  it("expires a session unused for 7 days, and any session after 30 days", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `idle-${Date.now()}`);
    const idle = await signInByLink(venues[0].key, memberId);
    const old = await signInByLink(venues[0].key, memberId);
    const hashOf = async (cookie: string) => {
      const token = cookie.split("=")[1];
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
      return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    };
    await env.DB.prepare("UPDATE member_sessions SET last_seen_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 7 * 86_400_000 - 1, await hashOf(idle.cookie)).run();
    await env.DB.prepare("UPDATE member_sessions SET expires_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 1, await hashOf(old.cookie)).run();
    for (const session of [idle, old]) expect((await asMember(session.cookie, "GET", "/v1/me")).json.error.code).toBe("session_expired");
  });

  it("limits login links per member and sign-in attempts per client, answering 429 with Retry-After", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `limits-${Date.now()}`);
    const links = [];
    for (let attempt = 0; attempt < 11; attempt++) links.push(await call("POST", `/v1/members/${memberId}/login-links`, { token: venues[0].key }));
    expect(links.slice(0, 10).every((link) => link.status === 201)).toBe(true);
    expect([links[10].status, links[10].json.error.code]).toEqual([429, "rate_limited"]);
    expect(Number(links[10].headers.get("Retry-After"))).toBeGreaterThan(0);
    const guesser = { "CF-Connecting-IP": "203.0.113.7" };
    const guesses = [];
    for (let attempt = 0; attempt < 31; attempt++) guesses.push(await call("POST", "/v1/auth/login-links/use", { token: null, body: { token: `guess-${attempt}-0000000000000000` }, headers: guesser }));
    expect(guesses.slice(0, 30).every((guess) => guess.status === 404)).toBe(true);
    expect([guesses[30].status, guesses[30].json.error.code]).toEqual([429, "rate_limited"]);
    // The window elapses (its start moved back by the window's length, as 10 idle minutes would):
    // the guesser is answered again, and counted from zero.
    const limiter = env.RATE_LIMITER.getByName(`${signInLimits.loginLinkUse.name}:203.0.113.7`);
    await runInDurableObject(limiter, (_instance, state) => state.storage.sql.exec("UPDATE fixed_window SET started_at_ms = started_at_ms - ?", signInLimits.loginLinkUse.windowMs));
    const afterIdle = await call("POST", "/v1/auth/login-links/use", { token: null, body: { token: "guess-after-idle-0000000000000000" }, headers: guesser });
    expect([afterIdle.status, afterIdle.json.error.code]).toEqual([404, "login_link_invalid"]);
  });
});
