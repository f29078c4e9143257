import { env } from "cloudflare:workers";
import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it, vi } from "vitest";
import { call, createProgram } from "../../test/api";
import { advance, afterHoldMs, coalition, enroll, memberView, newKey, purchase } from "../../test/ledger";
import { fromNewClient } from "../../test/sessions";
import { referrerFor } from "../members/referral-check";

const codeOf = async (memberId: string) => (await memberView(memberId)).referralCode as string;

describe("referrals", () => {
  it("pays the referrer on the referred member's first posted purchase, the second level 25% once, and nothing for a purchase refunded before posting", async () => {
    const { venues } = await coalition(1);
    const key = venues[0].key;
    const ana = await enroll(key, `ref-ana-${crypto.randomUUID()}`);
    const ben = await enroll(key, `ref-ben-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    const cleo = await enroll(key, `ref-cleo-${crypto.randomUUID()}`, { referralCode: (await codeOf(ben)).toLowerCase() });
    expect((await memberView(cleo)).referredBy).toBe(ben);

    await purchase(key, { memberId: ben, amountCents: 2000 });
    expect((await memberView(ana)).referrals).toEqual({ count: 0, pointsEarned: 0 });
    await advance(ben, afterHoldMs());
    await vi.waitFor(async () => expect((await memberView(ana)).referrals).toEqual({ count: 1, pointsEarned: 100 }));
    expect((await memberView(ana)).points.available).toBe(100);

    await purchase(key, { memberId: cleo, amountCents: 1500 });
    await advance(cleo, afterHoldMs());
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.pointsEarned).toBe(125));
    expect((await memberView(ben)).referrals).toEqual({ count: 1, pointsEarned: 100 });
    // A second posting of the same member owes nothing more, at either level.
    await purchase(key, { memberId: cleo, amountCents: 900 });
    await advance(cleo, afterHoldMs() + 60_000);
    await advance(ben, afterHoldMs() + 60_000);
    expect((await memberView(ana)).referrals).toEqual({ count: 1, pointsEarned: 125 });

    const dora = await enroll(key, `ref-dora-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    const bought = await purchase(key, { memberId: dora, amountCents: 3000 });
    const refunded = await call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: key, body: { amountCents: 3000 }, headers: { "Idempotency-Key": newKey() } });
    expect(refunded.status).toBe(201);
    await advance(dora, afterHoldMs());
    expect((await memberView(ana)).referrals).toEqual({ count: 1, pointsEarned: 125 });
  });

  it("refuses a self-referral, a second referrer and a cycle with named codes, and records referrals over the daily cap without paying", async () => {
    const { program, venues } = await coalition(1, { referral: { points: 100, secondLevelPercent: 25, dailyCap: 1 } });
    const key = venues[0].key;
    const ana = await enroll(key, `cap-ana-${crypto.randomUUID()}`, { email: "ana@example.com" });
    const self = await call("POST", "/v1/members", { token: key, body: { externalRef: `cap-x-${crypto.randomUUID()}`, email: "ANA@example.com", referralCode: await codeOf(ana) } });
    expect([self.status, self.json.error.code]).toEqual([422, "self_referral"]);
    const benRef = `cap-ben-${crypto.randomUUID()}`;
    const ben = await enroll(key, benRef, { referralCode: await codeOf(ana) });
    const other = await enroll(key, `cap-other-${crypto.randomUUID()}`);
    const second = await call("POST", "/v1/members", { token: key, body: { externalRef: benRef, referralCode: await codeOf(other) } });
    expect([second.status, second.json.error.code]).toEqual([409, "referrer_already_set"]);
    const same = await call("POST", "/v1/members", { token: key, body: { externalRef: benRef, referralCode: await codeOf(ana) } });
    expect([same.status, same.json.id]).toEqual([200, ben]);
    const unknown = await call("POST", "/v1/members", { token: key, body: { externalRef: `cap-y-${crypto.randomUUID()}`, referralCode: "NOSUCHCODE" } });
    expect([unknown.status, unknown.json.error.code]).toEqual([422, "unknown_referral_code"]);

    const cleo = await enroll(key, `cap-cleo-${crypto.randomUUID()}`, { referralCode: await codeOf(ana) });
    for (const member of [ben, cleo]) {
      await purchase(key, { memberId: member, amountCents: 1000 });
      await advance(member, afterHoldMs());
    }
    await vi.waitFor(async () => expect((await memberView(ana)).referrals.count).toBe(2));
    expect((await memberView(ana)).referrals.pointsEarned).toBe(100);
    const ledger = (await call("GET", `/v1/members/${ana}/ledger`)).json.entries as { kind: string; delta: number; detail: { capped: boolean } }[];
    expect(ledger.filter((entry) => entry.kind === "action").map((entry) => [entry.delta, entry.detail.capped])).toEqual(expect.arrayContaining([[100, false], [0, true]]));
    // A cycle cannot be built through enrollment (a new member has no referees), so the check is asked directly:
    // ana joining with ben's code, when ana referred ben.
    const cycle = referrerFor(env.DB, program.id, await codeOf(ben), { id: ana, externalRef: null, email: null, phone: null });
    await expect(cycle).rejects.toMatchObject({ status: 422, code: "referral_cycle" });
  });

  it("records the referrer when a wallet joins a community by signing in, and pays on joining", async () => {
    const program = await createProgram("Nebula", "community");
    const referrer = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `sig-${crypto.randomUUID()}` } });
    const wallet = Wallet.createRandom();
    const nonce = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: wallet.address }, headers: fromNewClient() });
    const message = nonce.json.message as string;
    expect(new SiweMessage(message).address).toBe(wallet.address);
    const signedIn = await call("POST", "/v1/auth/siwe/verify", { token: null, body: { message, signature: await wallet.signMessage(message), referralCode: referrer.json.referralCode }, headers: fromNewClient() });
    expect(signedIn.status).toBe(200);
    const joined = await memberView(signedIn.json.member.id);
    expect([joined.referredBy, joined.points.available]).toEqual([referrer.json.id, 100]);
    await vi.waitFor(async () => expect((await memberView(referrer.json.id)).referrals).toEqual({ count: 1, pointsEarned: 100 }));
  });
});
