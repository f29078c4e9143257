import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it, vi } from "vitest";
import { call, createProgram } from "../../test/api";
import { advance, afterHoldMs, coalition, enroll, memberView, newKey, purchase } from "../../test/ledger";
import { fromNewClient } from "../../test/sessions";

const codeOf = async (memberId: string) => (await memberView(memberId)).referralCode as string;

/** A purchase that posts: bought now, posted by the member's clock past the 24-hour hold. */
async function postedPurchase(key: string, memberId: string, amountCents: number) {
  const bought = await purchase(key, { memberId, amountCents });
  expect(bought.status).toBe(201);
  await advance(memberId, afterHoldMs());
  return bought.json.purchaseId as string;
}

const refund = (key: string, purchaseId: string, amountCents: number) =>
  call("POST", `/v1/purchases/${purchaseId}/refunds`, { token: key, body: { amountCents }, headers: { "Idempotency-Key": newKey() } });

describe("referrals in a venue program", () => {
  it("pays on the referred member's first posted purchase of at least $10, the second level 25% once, nothing for a refunded-before-posting purchase", async () => {
    const { venues } = await coalition(1);
    const key = venues[0].key;
    const ana = await enroll(key, `ref-ana-${crypto.randomUUID()}`);
    await postedPurchase(key, ana, 1500);
    const ben = await enroll(key, `ref-ben-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    const cleo = await enroll(key, `ref-cleo-${crypto.randomUUID()}`, { referralCode: (await codeOf(ben)).toLowerCase() });
    expect((await memberView(cleo)).referredBy).toBe(ben);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals).toEqual({ count: 0, pending: 1, pointsEarned: 0 }));

    // $9 posts but is under the minimum spend: nothing yet. $20 pays.
    await postedPurchase(key, ben, 900);
    expect((await memberView(ana)).referrals).toEqual({ count: 0, pending: 1, pointsEarned: 0 });
    await purchase(key, { memberId: ben, amountCents: 2000 });
    await advance(ben, afterHoldMs() + 60_000);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals).toEqual({ count: 1, pending: 0, pointsEarned: 100 }));
    expect((await memberView(ana)).points.available).toBe(215);

    await postedPurchase(key, cleo, 1500);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.pointsEarned).toBe(125));
    expect((await memberView(ben)).referrals).toEqual({ count: 1, pending: 0, pointsEarned: 100 });
    // A second posting of the same member owes nothing more, at either level.
    await purchase(key, { memberId: cleo, amountCents: 900 });
    await advance(cleo, afterHoldMs() + 120_000);
    await advance(ben, afterHoldMs() + 120_000);
    expect((await memberView(ana)).referrals).toEqual({ count: 1, pending: 0, pointsEarned: 125 });

    const dora = await enroll(key, `ref-dora-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    const bought = await purchase(key, { memberId: dora, amountCents: 3000 });
    expect((await refund(key, bought.json.purchaseId, 3000)).status).toBe(201);
    await advance(dora, afterHoldMs());
    await vi.waitFor(async () => expect((await memberView(ana)).referrals).toEqual({ count: 1, pending: 1, pointsEarned: 125 }));
  });

  it("reverses both levels when the purchase that paid is refunded below the minimum, taking from debt what was already spent, and lowers lifetime points", async () => {
    const { venues } = await coalition(1);
    const key = venues[0].key;
    const ana = await enroll(key, `rev-ana-${crypto.randomUUID()}`);
    await postedPurchase(key, ana, 1000);
    const ben = await enroll(key, `rev-ben-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    await postedPurchase(key, ben, 1000);
    const cleo = await enroll(key, `rev-cleo-${crypto.randomUUID()}`, { referralCode: await codeOf(ben) });
    const paying = await postedPurchase(key, cleo, 5000);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.pointsEarned).toBe(125));
    const benBefore = await memberView(ben);
    expect([benBefore.points.available, benBefore.points.lifetime]).toEqual([210, 210]);
    // Ben spends everything, so the reversal must come out of debt.
    const spent = await call("POST", `/v1/members/${ben}/adjustments`, { body: { points: -210, reason: "spent at the bar" }, headers: { "Idempotency-Key": newKey() } });
    expect(spent.status).toBe(201);

    // $45 of $50 refunded: $5 kept is under the $10 minimum, so the payout is taken back at both levels.
    expect((await refund(key, paying, 4500)).status).toBe(201);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.pointsEarned).toBe(100));
    await vi.waitFor(async () => expect((await memberView(ben)).referrals.pointsEarned).toBe(0));
    const benAfter = await memberView(ben);
    expect(benAfter.points).toMatchObject({ available: 0, debt: 100, lifetime: 110 });
    const anaAfter = await memberView(ana);
    expect(anaAfter.points).toMatchObject({ available: 210, lifetime: 210 });
    // A redelivery or a second refund changes nothing more.
    expect((await refund(key, paying, 100)).status).toBe(201);
    await advance(cleo, Date.now() + 10_000);
    expect((await memberView(ben)).points).toMatchObject({ debt: 100, lifetime: 110 });
  });

  it("holds the payout of a referrer who never bought anything until their own first posted purchase", async () => {
    const { venues } = await coalition(1);
    const key = venues[0].key;
    const ana = await enroll(key, `held-ana-${crypto.randomUUID()}`);
    const ben = await enroll(key, `held-ben-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    await postedPurchase(key, ben, 2000);
    await vi.waitFor(async () => expect((await memberView(ana)).points).toMatchObject({ available: 0, pending: 100, unlock: { points: 100 } }));
    // Her $10 (10 points and the 100-point first-visit bonus) verifies her and posts the held 100.
    await postedPurchase(key, ana, 1000);
    expect((await memberView(ana)).points).toMatchObject({ available: 210, pending: 0, unlock: null });
  });
});

describe("referral refusals and caps", () => {
  it("refuses a self-referral, a second referrer and a cycle (through the enrollment route) with named codes", async () => {
    const { venues } = await coalition(1);
    const key = venues[0].key;
    const anaRef = `cyc-ana-${crypto.randomUUID()}`;
    const ana = await enroll(key, anaRef, { email: "ana@example.com" });
    const self = await call("POST", "/v1/members", { token: key, body: { externalRef: `cyc-x-${crypto.randomUUID()}`, email: "ANA@example.com", referralCode: await codeOf(ana) } });
    expect([self.status, self.json.error.code]).toEqual([422, "self_referral"]);
    const benRef = `cyc-ben-${crypto.randomUUID()}`;
    const ben = await enroll(key, benRef, { referralCode: await codeOf(ana) });
    const other = await enroll(key, `cyc-other-${crypto.randomUUID()}`);
    const second = await call("POST", "/v1/members", { token: key, body: { externalRef: benRef, referralCode: await codeOf(other) } });
    expect([second.status, second.json.error.code]).toEqual([409, "referrer_already_set"]);
    const same = await call("POST", "/v1/members", { token: key, body: { externalRef: benRef, referralCode: await codeOf(ana) } });
    expect([same.status, same.json.id]).toEqual([200, ben]);
    const unknown = await call("POST", "/v1/members", { token: key, body: { externalRef: `cyc-y-${crypto.randomUUID()}`, referralCode: "NOSUCHCODE" } });
    expect([unknown.status, unknown.json.error.code]).toEqual([422, "unknown_referral_code"]);
    // Ana, who referred ben, enrolling again with ben's code: the route refuses the cycle.
    const cycle = await call("POST", "/v1/members", { token: key, body: { externalRef: anaRef, referralCode: await codeOf(ben) } });
    expect([cycle.status, cycle.json.error.code]).toEqual([422, "referral_cycle"]);
    expect((await memberView(ana)).referredBy).toBeNull();
  });

  it("counts both levels toward the receiving account's one daily cap, and pays the second level only when the first is paid", async () => {
    const { venues } = await coalition(1, { referral: { points: 100, secondLevelPercent: 25, dailyCap: 1 } });
    const key = venues[0].key;
    const zed = await enroll(key, `cap-zed-${crypto.randomUUID()}`);
    await postedPurchase(key, zed, 1000);
    const ana = await enroll(key, `cap-ana-${crypto.randomUUID()}`, { referralCode: await codeOf(zed) });
    await postedPurchase(key, ana, 1000);
    await vi.waitFor(async () => expect((await memberView(zed)).referrals).toMatchObject({ count: 1, pointsEarned: 100 }));
    // Ana refers ben and cleo today: ben pays (and owes zed the second level), cleo is over ana's cap.
    const ben = await enroll(key, `cap-ben-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    const cleo = await enroll(key, `cap-cleo-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    for (const member of [ben, cleo]) await postedPurchase(key, member, 1000);
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.count).toBe(2));
    expect((await memberView(ana)).referrals.pointsEarned).toBe(100);
    const ledger = (await call("GET", `/v1/members/${ana}/ledger`)).json.entries as { kind: string; delta: number; detail: { capped: boolean } }[];
    expect(ledger.filter((entry) => entry.kind === "action").map((entry) => [entry.delta, entry.detail.capped])).toEqual(expect.arrayContaining([[100, false], [0, true]]));
    // Zed's cap of 1 was used by ana's own referral today: ben's second level is recorded and pays nothing, and cleo's owes none.
    await vi.waitFor(async () => {
      const zedLedger = (await call("GET", `/v1/members/${zed}/ledger`)).json.entries as { kind: string; delta: number; detail: { kind: string; capped: boolean } }[];
      expect(zedLedger.filter((entry) => entry.detail?.kind === "referral_second_level").map((entry) => [entry.delta, entry.detail.capped])).toEqual([[0, true]]);
    });
    expect((await memberView(zed)).referrals.pointsEarned).toBe(100);
  });
});

describe("referrals in a community", () => {
  it("records the referrer when a wallet joins by signing in, shows it pending, and pays only when the new member is verified by a qualifying action", async () => {
    const program = await createProgram("Nebula", "community");
    const referrer = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `sig-${crypto.randomUUID()}` } });
    const vote = (memberId: string, sourceId: string) => call("POST", `/v1/members/${memberId}/actions`, { body: { kind: "governance_vote", sourceId }, headers: { "Idempotency-Key": newKey() } });
    expect((await vote(referrer.json.id, "proposal-1")).status).toBe(201);
    const wallet = Wallet.createRandom();
    const nonce = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: wallet.address }, headers: fromNewClient() });
    const message = nonce.json.message as string;
    expect(new SiweMessage(message).address).toBe(wallet.address);
    const signedIn = await call("POST", "/v1/auth/siwe/verify", { token: null, body: { message, signature: await wallet.signMessage(message), referralCode: referrer.json.referralCode }, headers: fromNewClient() });
    expect(signedIn.status).toBe(200);
    const joined = await memberView(signedIn.json.member.id);
    // A bare join pays nobody: the new member's bonus is pending, the referral is pending.
    expect([joined.referredBy, joined.points.available, joined.points.pending]).toEqual([referrer.json.id, 0, 100]);
    await vi.waitFor(async () => expect((await memberView(referrer.json.id)).referrals).toEqual({ count: 0, pending: 1, pointsEarned: 0 }));
    expect((await memberView(referrer.json.id)).points.available).toBe(105);

    expect((await vote(signedIn.json.member.id, "proposal-1")).json).toMatchObject({ verified: true, balance: 105 });
    await vi.waitFor(async () => expect((await memberView(referrer.json.id)).referrals).toEqual({ count: 1, pending: 0, pointsEarned: 100 }));
    expect((await memberView(referrer.json.id)).points.available).toBe(205);
  });
});
