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
    // The other nine are told the link is spent: a 404 with its code, not a 500 or a second session.
    const refused = uses.filter((use) => use.status !== 200).map((use) => [use.status, use.json.error.code]);
    expect(refused).toEqual(Array.from({ length: 9 }, () => [404, "login_link_invalid"]));
    expect(uses.filter((use) => use.headers.get("Set-Cookie"))).toHaveLength(1);
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
    const { program, venues } = await coalition();
    const alice = await enroll(venues[0].key, `alice-${Date.now()}`);
    const bob = await enroll(venues[0].key, `bob-${Date.now()}`);
    const { cookie } = await signInByLink(venues[0].key, alice);
    expect((await asMember(cookie, "GET", `/v1/members/${bob}`)).status).toBe(401);
    expect((await asMember(cookie, "GET", `/v1/members/${alice}/ledger`)).status).toBe(401);
    // Operator-only and venue routes, reads and same-origin writes alike: a member cookie is no bearer.
    const refusals = [
      await asMember(cookie, "GET", "/v1/programs"),
      await asMember(cookie, "GET", `/v1/programs/${program.id}`),
      await call("POST", "/v1/programs", { token: null, body: { name: "Mine now", preset: "restaurant" }, headers: { Cookie: cookie, Origin: origin, "Idempotency-Key": `member-${Date.now()}` } }),
      await call("POST", `/v1/members/${alice}/adjustments`, { token: null, body: { points: 1000, reason: "self-service" }, headers: { Cookie: cookie, Origin: origin, "Idempotency-Key": `member-${Date.now()}` } }),
      await call("POST", "/v1/purchases", { token: null, body: { memberId: alice, amountCents: 100_000, occurredAt: new Date().toISOString() }, headers: { Cookie: cookie, Origin: origin, "Idempotency-Key": `member-${Date.now()}` } }),
      await call("POST", `/v1/members/${bob}/login-links`, { token: null, headers: { Cookie: cookie, Origin: origin } }),
    ];
    expect(refusals.map((refusal) => [refusal.status, refusal.json.error.code])).toEqual(Array.from({ length: refusals.length }, () => [401, "unauthorized"]));
    expect((await asMember(cookie, "GET", "/v1/me")).json.points.available).toBe(0);
    expect((await asMember(cookie, "GET", "/v1/me")).json.id).toBe(alice);
    expect((await call("GET", "/v1/me", { token: null })).status).toBe(401);
  });

  it("refuses every signed-in write from another origin or without one, API and page forms alike, and nothing happens", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, `csrf-${Date.now()}`);
    const { cookie } = await signInByLink(venues[0].key, memberId);
    const reward = await createReward(program.id, { name: "Forged dessert", pointsCost: 10 });
    await grant(memberId, 50);
    const community = await createProgram("CSRF DAO", "community");
    const joined = await call("POST", "/v1/members", { body: { programId: community.id, externalRef: `csrf-${crypto.randomUUID()}` } });
    const communityCookie = (await signInByLink(operatorToken, joined.json.id)).cookie;
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const writes: { cookie: string; method: string; path: string; headers?: Record<string, string>; body?: unknown; rawBody?: string }[] = [
      { cookie, method: "POST", path: "/v1/auth/logout" },
      { cookie, method: "POST", path: "/v1/me/sign-out-everywhere" },
      { cookie, method: "POST", path: "/v1/me/redemptions", headers: { "Idempotency-Key": `csrf-${crypto.randomUUID()}` }, body: { rewardId: reward.json.id } },
      { cookie, method: "POST", path: "/v1/me/wallets", body: { message: "forged", signature: "0x00" } },
      { cookie: communityCookie, method: "POST", path: "/v1/me/streak/claim" },
      { cookie, method: "POST", path: `/rewards/${reward.json.id}/redeem`, headers: form, rawBody: `idempotencyKey=${crypto.randomUUID()}` },
      { cookie, method: "POST", path: "/sign-out", headers: form },
      { cookie, method: "POST", path: "/sign-out-everywhere", headers: form },
      { cookie: communityCookie, method: "POST", path: "/streak/claim", headers: form },
    ];
    const origins: Record<string, string>[] = [{ Origin: "https://evil.example" }, {}];
    for (const origin of origins) {
      for (const write of writes) {
        const answer = await call(write.method, write.path, { token: null, body: write.body, rawBody: write.rawBody, headers: { Cookie: write.cookie, ...write.headers, ...origin } });
        expect([answer.status, write.path]).toEqual([403, write.path]);
        if (write.path.startsWith("/v1/")) expect(answer.json.error.code, write.path).toBe("cross_origin_refused");
        else expect(answer.json, write.path).toContain(`must come from ${appOrigin}`);
      }
    }
    const me = await asMember(cookie, "GET", "/v1/me");
    expect([me.status, me.json.points.available]).toEqual([200, 50]);
    expect((await asMember(cookie, "GET", "/v1/me/redemptions")).json.redemptions).toEqual([]);
    expect((await asMember(cookie, "GET", "/v1/me/wallets")).json.wallets).toEqual([]);
    const communityMe = await asMember(communityCookie, "GET", "/v1/me");
    expect([communityMe.status, communityMe.json.streak.current]).toEqual([200, 0]);
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
      const token = cookie.slice(cookie.indexOf("=") + 1);
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
      return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    };
    await env.DB.prepare("UPDATE member_sessions SET last_seen_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 7 * 86_400_000 - 1, await hashOf(idle.cookie)).run();
    await env.DB.prepare("UPDATE member_sessions SET expires_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 1, await hashOf(old.cookie)).run();
    for (const session of [idle, old]) expect((await asMember(session.cookie, "GET", "/v1/me")).json.error.code).toBe("session_expired");
    // A new session lasts 30 days from sign-in, in D1 and in the cookie, and still works the day before it ends.
    const fresh = await signInByLink(venues[0].key, memberId);
    const row = await env.DB.prepare("SELECT created_at_ms, expires_at_ms FROM member_sessions WHERE token_hash = ?").bind(await hashOf(fresh.cookie)).first<{ created_at_ms: number; expires_at_ms: number }>();
    expect(row!.expires_at_ms - row!.created_at_ms).toBe(30 * 86_400_000);
    const cookieExpires = Date.parse(/Expires=([^;]+)/.exec(fresh.setCookie)![1]);
    expect(Math.abs(cookieExpires - row!.expires_at_ms)).toBeLessThan(1000);
    await env.DB.prepare("UPDATE member_sessions SET created_at_ms = ?, expires_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 29 * 86_400_000, Date.now() + 86_400_000, await hashOf(fresh.cookie)).run();
    expect((await asMember(fresh.cookie, "GET", "/v1/me")).status).toBe(200);
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
