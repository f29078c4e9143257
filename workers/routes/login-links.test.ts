import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, enroll } from "../../test/ledger";
import { appOrigin, fromNewClient, signInByLink } from "../../test/sessions";

const issue = async (venueKey: string, memberId: string) => (await call("POST", `/v1/members/${memberId}/login-links`, { token: venueKey })).json as { token: string };
const use = (token: string) => call("POST", "/v1/auth/login-links/use", { token: null, body: { token }, headers: fromNewClient() });
const check = (token: string, cookie?: string) =>
  call("POST", "/v1/auth/login-links/check", { token: null, body: { token }, headers: { ...fromNewClient(), ...(cookie ? { Cookie: cookie, Origin: appOrigin } : {}) } });

describe("login links and sign-out everywhere", () => {
  it("refuses a link issued before the member signed out everywhere, through the API or the page; a link issued after works", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `epoch-${crypto.randomUUID()}`);
    const before = await issue(venues[0].key, memberId);
    const { cookie } = await signInByLink(venues[0].key, memberId);
    expect((await call("POST", "/v1/me/sign-out-everywhere", { token: null, headers: { Cookie: cookie, Origin: appOrigin } })).status).toBe(204);
    const stale = await use(before.token);
    expect([stale.status, stale.json.error.code]).toEqual([404, "login_link_invalid"]);
    expect(stale.headers.get("Set-Cookie")).toBeNull();
    expect((await check(before.token)).status).toBe(404);

    const beforePage = await issue(venues[0].key, memberId);
    const again = await signInByLink(venues[0].key, memberId);
    const form = { Cookie: again.cookie, Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded" };
    expect((await call("POST", "/sign-out-everywhere", { token: null, headers: form })).status).toBe(303);
    expect((await use(beforePage.token)).status).toBe(404);
    expect((await use((await issue(venues[0].key, memberId)).token)).status).toBe(200);
  });

  it("refuses a link issued before the sign-out even when the sign-out's clean-up of links has not happened (a race)", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, `race-${crypto.randomUUID()}`);
    const before = await issue(venues[0].key, memberId);
    // The actor's half of sign-out-everywhere only: the link row is still there, as while the sign-out is under way.
    await env.MEMBER.getByName(memberId).signOutEverywhere();
    const stale = await use(before.token);
    expect([stale.status, stale.json.error.code, stale.json.error.message]).toEqual([404, "login_link_invalid", expect.stringContaining("signed out everywhere")]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await use((await issue(venues[0].key, memberId)).token)).status).toBe(200);
  });

  it("says whom a link signs in without using it, and whether this browser is signed in as someone else", async () => {
    const { venues } = await coalition();
    const ana = await enroll(venues[0].key, `check-${crypto.randomUUID()}`, { email: "ana@example.com" });
    const ben = await enroll(venues[0].key, `check-${crypto.randomUUID()}`, { email: "ben@example.com" });
    const link = await issue(venues[0].key, ana);
    for (let look = 0; look < 3; look++) {
      const seen = await check(link.token);
      expect([seen.status, seen.json]).toEqual([200, { member: { label: "a•••@example.com" }, signedInAs: null }]);
    }
    const asBen = await signInByLink(venues[0].key, ben);
    expect((await check(link.token, asBen.cookie)).json.signedInAs).toEqual({ label: "b•••@example.com", sameMember: false });
    const asAna = await signInByLink(venues[0].key, ana);
    expect((await check(link.token, asAna.cookie)).json.signedInAs).toEqual({ label: "a•••@example.com", sameMember: true });
    // Looking used nothing up: the link still signs in, once.
    expect((await use(link.token)).status).toBe(200);
    const spent = await check(link.token);
    expect([spent.status, spent.json.error.code]).toEqual([404, "login_link_invalid"]);
    expect((await check("not-a-real-token-0000")).status).toBe(404);
  });

  it("serves /login as a page that waits for a press: the token never reaches the server", async () => {
    const page = await call("GET", "/login", { token: null });
    expect(page.status).toBe(200);
    expect(page.json).toContain('id="login-continue"');
    expect(page.json).toContain("/assets/login-link.js");
    expect(page.json).toContain("Checking your link");
  });
});
