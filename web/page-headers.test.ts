import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../test/api";
import { coalition, createReward, enroll, grant, newKey } from "../test/ledger";
import { appOrigin, fromNewClient, signInByLink } from "../test/sessions";

const formHeaders = (cookie: string) => ({ Cookie: cookie, Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded" });

/** A page's markup that the CSP would block: inline scripts, inline event handlers, inline styles. */
function inlineBits(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((tag) => tag[0]).filter((tag) => !/\bsrc="\/assets\/[\w-]+\.js"/.test(tag));
  const scriptBodies = [...html.matchAll(/<script\b[^>]*>([^<]+)<\/script>/g)].map((match) => match[0]);
  const handlers = [...html.matchAll(/<[^>]+\son[a-z]+=/g)].map((match) => match[0]);
  const styles = [...html.matchAll(/<[^>]+\sstyle=/g)].map((match) => match[0]);
  return [...scripts, ...scriptBodies, ...handlers, ...styles];
}

/** A directive of a CSP header, as its list of sources. */
const sources = (csp: string, directive: string) => csp.split("; ").find((part) => part.startsWith(`${directive} `))?.split(" ").slice(1) ?? [];

function expectPageHeaders(page: { status: number; headers: Headers; json: unknown }, path: string) {
  const csp = page.headers.get("Content-Security-Policy") ?? "";
  expect(csp, path).toContain("script-src 'self'");
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).toContain("object-src 'none'");
  expect(csp, path).not.toContain("unsafe-inline");
  expect(page.headers.get("Referrer-Policy"), path).toBe("same-origin");
  expect(page.headers.get("Cache-Control"), path).toBe("no-store");
  expect(inlineBits(page.json as string), path).toEqual([]);
}

describe("page security headers", () => {
  it("sends the CSP, Referrer-Policy and no-store on every page, signed in or not, and no page has an inline script or style", async () => {
    const { program, venues } = await coalition(1);
    const memberId = await enroll(venues[0].key, `headers-${crypto.randomUUID()}`);
    const { cookie } = await signInByLink(venues[0].key, memberId);
    const reward = await createReward(program.id, { name: "Coffee", pointsCost: 10 });
    await grant(memberId, 10);
    const rewards = await call("GET", "/rewards", { token: null, headers: { Cookie: cookie } });
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(rewards.json)![1];
    const redeemed = await call("POST", `/rewards/${reward.json.id}/redeem`, { token: null, rawBody: new URLSearchParams({ idempotencyKey: key }).toString(), headers: formHeaders(cookie) });
    const kioskSignIn = await call("POST", "/kiosk/sign-in", { token: null, rawBody: new URLSearchParams({ venueKey: venues[0].key }).toString(), headers: { Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded", ...fromNewClient() } });
    const kioskCookie = /__Host-loyalty_kiosk=[^;]+/.exec(kioskSignIn.headers.get("Set-Cookie") ?? "")![0];
    const community = await createProgram("Headers DAO", "community");
    const pages: [string, Record<string, string>][] = [
      [`/sign-in?program=${community.id}`, {}],
      ["/login", {}],
      ["/kiosk", {}],
      ["/", { Cookie: cookie }],
      ["/rewards", { Cookie: cookie }],
      [redeemed.headers.get("Location")!, { Cookie: cookie }],
      ["/redemptions/NOPE-NOPE", { Cookie: cookie }],
      ["/kiosk", { Cookie: kioskCookie }],
    ];
    for (const [path, headers] of pages) {
      const page = await call("GET", path, { token: null, headers });
      expect(page.headers.get("Content-Type"), path).toContain("text/html");
      expectPageHeaders(page, path);
    }
    const access = await signInByLink(operatorToken, (await call("POST", "/v1/members", { body: { programId: community.id, externalRef: `headers-${crypto.randomUUID()}` } })).json.id);
    expectPageHeaders(await call("GET", "/access", { token: null, headers: { Cookie: access.cookie } }), "/access");
    expectPageHeaders(await call("GET", "/", { token: null, headers: { Cookie: access.cookie } }), "/ (community)");
  });

  it("lets only the live pages (an AMA room, an event) reach Tencent's audio service and load the TRTC SDK's blob: audio worklet", async () => {
    const community = await createProgram("Headers AMA DAO", "community");
    const { id: hostId } = (await call("POST", "/v1/members", { body: { programId: community.id, externalRef: `headers-host-${crypto.randomUUID()}` } })).json as { id: string };
    await call("POST", `/v1/members/${hostId}/actions`, { body: { kind: "governance_vote", sourceId: "first-vote" }, headers: { "Idempotency-Key": newKey() } });
    await call("POST", `/v1/members/${hostId}/adjustments`, { body: { points: 10_000, reason: "GOLD, to host", qualifies: true }, headers: { "Idempotency-Key": newKey() } });
    const host = await signInByLink(operatorToken, hostId);
    const scheduled = await call("POST", `/v1/programs/${community.id}/amas`, {
      token: null,
      body: { title: "Headers AMA", startsAt: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 30 },
      headers: { Cookie: host.cookie, Origin: appOrigin, "Idempotency-Key": newKey() },
    });
    expect(scheduled.status).toBe(201);
    const roomPath = `/amas/${scheduled.json.id}`;
    const room = await call("GET", roomPath, { token: null, headers: { Cookie: host.cookie } });
    expect(room.status).toBe(200);
    expectPageHeaders(room, roomPath);
    const roomCsp = room.headers.get("Content-Security-Policy")!;
    // Scheduling (schedule.cloud-rtc.com / .net, abroad schedule.rtc-web.com / .io), signalling sockets, log reports.
    expect(sources(roomCsp, "connect-src")).toEqual(expect.arrayContaining(["'self'", "https://*.cloud-rtc.com", "https://*.cloud-rtc.net", "https://*.rtc-web.com", "https://*.rtc-web.io", "wss://*.rtc.qq.com", "https://yun.tim.qq.com"]));
    expect(sources(roomCsp, "script-src")).toEqual(["'self'", "blob:"]);
    expect(sources(roomCsp, "default-src")).toEqual(["'self'"]);
    // Every other page keeps calls to this origin and scripts to /assets.
    // A live event's page joins audio the same way.
    const eventPage = await call("GET", "/events/evt_headers_test", { token: null, headers: { Cookie: host.cookie } });
    expect(eventPage.headers.get("Content-Security-Policy")).toBe(roomCsp);
    for (const path of ["/amas", "/events", "/"]) {
      const other = (await call("GET", path, { token: null, headers: { Cookie: host.cookie } })).headers.get("Content-Security-Policy")!;
      expect([sources(other, "connect-src"), sources(other, "script-src")], path).toEqual([["'self'"], ["'self'"]]);
    }
  });

  it("keeps signed-in API answers out of caches, and keeps the API reference out of frames", async () => {
    const { venues } = await coalition(1);
    const { cookie } = await signInByLink(venues[0].key, await enroll(venues[0].key, `headers-${crypto.randomUUID()}`));
    const me = await call("GET", "/v1/me", { token: null, headers: { Cookie: cookie } });
    expect([me.status, me.headers.get("Cache-Control"), me.headers.get("Referrer-Policy")]).toEqual([200, "no-store", "same-origin"]);
    const docs = await call("GET", "/docs", { token: null });
    expect(docs.headers.get("Content-Security-Policy")).toBe("frame-ancestors 'none'");
  });
});

describe("session cookies on https", () => {
  it("are __Host- cookies (Secure, Path=/, no Domain), and a plain-named cookie with a live token is not a session", async () => {
    const { venues } = await coalition(1);
    const memberId = await enroll(venues[0].key, `host-${crypto.randomUUID()}`);
    const { setCookie, cookie } = await signInByLink(venues[0].key, memberId);
    expect(setCookie).toMatch(/^__Host-loyalty_session=[^;]+; /);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    expect((await call("GET", "/v1/me", { token: null, headers: { Cookie: cookie } })).status).toBe(200);
    const planted = cookie.replace("__Host-", "");
    expect((await call("GET", "/v1/me", { token: null, headers: { Cookie: planted } })).status).toBe(401);
    const kiosk = await call("POST", "/kiosk/sign-in", { token: null, rawBody: new URLSearchParams({ venueKey: venues[0].key }).toString(), headers: { Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded", ...fromNewClient() } });
    const kioskSetCookie = kiosk.headers.get("Set-Cookie") ?? "";
    expect(kioskSetCookie).toMatch(/^__Host-loyalty_kiosk=[^;]+; /);
    const kioskCookie = /__Host-loyalty_kiosk=[^;]+/.exec(kioskSetCookie)![0];
    expect((await call("GET", "/kiosk", { token: null, headers: { Cookie: kioskCookie } })).json).toContain("1. Find the member");
    expect((await call("GET", "/kiosk", { token: null, headers: { Cookie: kioskCookie.replace("__Host-", "") } })).json).toContain('name="venueKey"');
  });
});
