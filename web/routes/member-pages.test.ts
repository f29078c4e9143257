import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { coalition, createReward, enroll, grant, purchase } from "../../test/ledger";
import { appOrigin, signInByLink } from "../../test/sessions";
import { requestBytesMax } from "../../workers/middleware/json-body";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
/** The idempotency key in the redeem form of `rewardId` on a rendered rewards page. */
const formKey = (html: string, rewardId: string) => new RegExp(`action="/rewards/${rewardId}/redeem"><input type="hidden" name="idempotencyKey" value="([^"]+)"`).exec(html)![1];
const formHeaders = (cookie: string, origin = appOrigin) => ({ Cookie: cookie, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" });

async function signedInMember() {
  const { program, venues } = await coalition(1);
  const memberId = await enroll(venues[0].key, `page-${crypto.randomUUID()}`, { email: "ana@example.com" });
  const { cookie } = await signInByLink(venues[0].key, memberId);
  return { program, venue: venues[0], memberId, cookie };
}

describe("member portal pages", () => {
  it("sends a visitor without a session to sign in, and shows the wallet sign-in for a program", async () => {
    const home = await call("GET", "/", { token: null });
    expect([home.status, home.headers.get("Location")]).toEqual([303, "/sign-in"]);
    const { program } = await coalition(1);
    const signIn = await call("GET", `/sign-in?program=${program.id}`, { token: null });
    expect(signIn.status).toBe(200);
    expect(signIn.json).toContain(`data-program-id="${program.id}"`);
    expect(signIn.json).toContain("/assets/sign-in.js");
    const invited = await call("GET", `/sign-in?program=${program.id}&ref=ABCD1234`, { token: null });
    expect(invited.json).toContain('data-referral-code="ABCD1234"');
    expect(invited.json).toContain("A friend invited you (code ABCD1234)");
    // The referrer is paid on the new member's first qualifying purchase, not on a bare join (§7a), and the page says so.
    expect(invited.json).toContain("they earn a referral reward once you make a first purchase of $10 or more");
    const unknown = await call("GET", "/sign-in?program=prg_nope", { token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toContain("names no program we know");
  });

  it("shows points, each pending amount with its posting time, tier progress, activity in words and the referral code, with no script", async () => {
    const { venue, memberId, cookie } = await signedInMember();
    const earned = await purchase(venue.key, { memberId, amountCents: 4000 });
    await grant(memberId, 250);
    const page = await call("GET", "/", { token: null, headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = page.json as string;
    expect(html).toContain("250 points");
    expect(html).toContain(`${earned.json.pointsPending} points from Venue 0`);
    expect(html).toMatch(/posts \w{3} \d{1,2} \w{3}, \d\d:\d\d/);
    expect(html).toContain("Reach <strong>SILVER</strong> with 500 points or $500 or 5 visits");
    expect(html).toContain("0 of 5 visits");
    expect(html).toContain('<progress id="progress-visits" max="5" value="0">');
    expect(html).toContain("$40 purchase at Venue 0");
    expect(html).toContain("Points added by the program: test credit");
    expect(html).toContain('data-testid="referral-code"');
    expect(html).not.toContain("<script");
    // The dashboard's HTML stays small: it is the member's first load on a phone.
    expect(new TextEncoder().encode(html).length).toBeLessThan(24_000);
  });

  it("redeems with a form post once per form, two rewards from one page, shows the code as a QR code, and refuses a cross-site form", async () => {
    const { program, memberId, cookie } = await signedInMember();
    const dessert = await createReward(program.id, { name: "Free dessert", pointsCost: 100 });
    const coffee = await createReward(program.id, { name: "Free coffee", pointsCost: 40 });
    await grant(memberId, 190);
    const catalog = await call("GET", "/rewards", { token: null, headers: { Cookie: cookie } });
    expect(catalog.json).toContain("Redeem Free dessert");
    const dessertKey = formKey(catalog.json, dessert.json.id);
    const coffeeKey = formKey(catalog.json, coffee.json.id);
    expect(dessertKey).not.toBe(coffeeKey);
    expect(formKey((await call("GET", "/rewards", { token: null, headers: { Cookie: cookie } })).json, dessert.json.id)).not.toBe(dessertKey);
    const first = await call("POST", `/rewards/${dessert.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: dessertKey }), headers: formHeaders(cookie) });
    expect(first.status).toBe(303);
    const again = await call("POST", `/rewards/${dessert.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: dessertKey }), headers: formHeaders(cookie) });
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    // The second form of the same page redeems its own reward (a key shared by every form answered 422).
    const second = await call("POST", `/rewards/${coffee.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: coffeeKey }), headers: formHeaders(cookie) });
    expect(second.status).toBe(303);
    expect(second.headers.get("Location")).not.toBe(first.headers.get("Location"));
    const page = await call("GET", first.headers.get("Location")!, { token: null, headers: { Cookie: cookie } });
    expect(page.json).toContain("<svg");
    expect(page.json).toContain("Ready to use");
    const poor = await call("POST", `/rewards/${dessert.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: crypto.randomUUID() }), headers: formHeaders(cookie) });
    expect(poor.status).toBe(422);
    expect(poor.json).toContain("This reward costs 100 points; the member has 50 available");
    const forged = await call("POST", `/rewards/${dessert.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: crypto.randomUUID() }), headers: formHeaders(cookie, "https://evil.example") });
    expect(forged.status).toBe(403);
    expect(forged.json).toContain("must come from https://loyalty.test");
    const view = await call("GET", "/v1/me", { token: null, headers: { Cookie: cookie } });
    expect(view.json.points.available).toBe(50);
    const redemptions = await call("GET", "/v1/me/redemptions", { token: null, headers: { Cookie: cookie } });
    expect(redemptions.json.redemptions).toHaveLength(2);
    expect(redemptions.json.redemptions.map((redemption: { rewardId: string }) => redemption.rewardId).sort()).toEqual([dessert.json.id, coffee.json.id].sort());
  });

  it("refuses a form post over the body limit with a 413 page", async () => {
    const { program, cookie } = await signedInMember();
    const reward = await createReward(program.id, { name: "Tea", pointsCost: 10 });
    const padded = form({ idempotencyKey: crypto.randomUUID(), padding: "x".repeat(requestBytesMax) });
    const big = await call("POST", `/rewards/${reward.json.id}/redeem`, { token: null, rawBody: padded, headers: formHeaders(cookie) });
    expect(big.status).toBe(413);
    expect(big.json).toContain(`limited to ${requestBytesMax} bytes`);
    expect((await call("POST", "/streak/claim", { token: null, rawBody: padded, headers: formHeaders(cookie) })).status).toBe(413);
  });

  it("shows a member's code to nobody else: not a member of the same program, not a visitor without a session; and signs out", async () => {
    const first = await signedInMember();
    const sameProgram = await enroll(first.venue.key, `page-${crypto.randomUUID()}`);
    const neighbour = await signInByLink(first.venue.key, sameProgram);
    const reward = await createReward(first.program.id, { name: "Coffee", pointsCost: 10 });
    await grant(first.memberId, 10);
    const catalog = await call("GET", "/rewards", { token: null, headers: { Cookie: first.cookie } });
    const issued = await call("POST", `/rewards/${reward.json.id}/redeem`, { token: null, rawBody: form({ idempotencyKey: formKey(catalog.json, reward.json.id) }), headers: formHeaders(first.cookie) });
    const codePage = issued.headers.get("Location")!;
    const code = codePage.split("/").pop()!;
    expect((await call("GET", codePage, { token: null, headers: { Cookie: first.cookie } })).json).toContain(code);
    const byNeighbour = await call("GET", codePage, { token: null, headers: { Cookie: neighbour.cookie } });
    expect(byNeighbour.status).toBe(404);
    expect(byNeighbour.json).not.toContain(code);
    const anonymous = await call("GET", codePage, { token: null });
    expect([anonymous.status, anonymous.headers.get("Location")]).toEqual([303, "/sign-in"]);
    expect(anonymous.json).not.toContain(code);
    const out = await call("POST", "/sign-out", { token: null, headers: formHeaders(first.cookie) });
    expect([out.status, out.headers.get("Location")]).toEqual([303, "/sign-in"]);
    expect((await call("GET", "/", { token: null, headers: { Cookie: first.cookie } })).status).toBe(303);
    expect((await call("GET", codePage, { token: null, headers: { Cookie: first.cookie } })).status).toBe(303);
  });

  it("gives a community member the streak with a form-post claim, this week's multiplier, referrals and the access view in words", async () => {
    const program = await createProgram("Nebula", "community");
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `web-${crypto.randomUUID()}` } });
    const { cookie } = await signInByLink(operatorToken, enrolled.json.id);
    const before = (await call("GET", "/", { token: null, headers: { Cookie: cookie } })).json as string;
    expect(before).toContain("Claim today&#39;s streak");
    expect(before).toContain('data-testid="week-multiplier">1×');
    expect(before).toContain("0 friends joined, 0 points earned from referrals");
    // The join bonus is held until a first AMA, event or chat (§7a), and the page says so.
    expect(before).toContain('data-testid="unlock-points">Attend an AMA, an event or chat to unlock 100 points.');
    expect(before).toContain('href="/access"');
    const claimed = await call("POST", "/streak/claim", { token: null, headers: formHeaders(cookie) });
    expect([claimed.status, claimed.headers.get("Location")]).toEqual([303, "/#streak"]);
    const twice = await call("POST", "/streak/claim", { token: null, headers: formHeaders(cookie) });
    expect(twice.status).toBe(303);
    const after = (await call("GET", "/", { token: null, headers: { Cookie: cookie } })).json as string;
    expect(after).toContain("Claimed today. Next claim from");
    expect(after).toContain('data-testid="streak-days">1 day');
    const access = (await call("GET", "/access", { token: null, headers: { Cookie: cookie } })).json as string;
    expect(access).toContain("#general");
    expect(access).toContain("reach SILVER: 500 points to go");
    expect(access).toContain("Vote in governance");
    expect(access).toContain("reach GOLD: 2,000 points to go");
  });
});
