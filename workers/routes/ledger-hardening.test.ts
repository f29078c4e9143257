import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { advance, afterHoldMs, coalition, createReward, earnPosted, enroll, grant, memberView, newKey, purchase, redeem } from "../../test/ledger";

const refund = (token: string, purchaseId: string, amountCents: number, key = newKey("refund")) =>
  call("POST", `/v1/purchases/${purchaseId}/refunds`, { token, body: { amountCents }, headers: { "Idempotency-Key": key } });
const adjust = (memberId: string, body: object, key = newKey("adjust")) => call("POST", `/v1/members/${memberId}/adjustments`, { body, headers: { "Idempotency-Key": key } });

describe("one key names one request per member, across operations (defect 2)", () => {
  it("refuses a purchase's key on a refund, a redemption and an adjustment, and still replays the purchase", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "one-key");
    await grant(memberId, 300);
    const key = newKey("shared");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 2000 }, key);
    expect(bought.status).toBe(201);
    const reward = await createReward(program.id, { pointsCost: 10 });
    for (const reused of [await refund(venues[0].key, bought.json.purchaseId, 100, key), await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key), await adjust(memberId, { points: 5, reason: "test" }, key)]) {
      expect([reused.status, reused.json.error.code]).toEqual([422, "idempotency_key_reused"]);
    }
    const again = await purchase(venues[0].key, { memberId, amountCents: 2000, occurredAt: bought.json.occurredAt }, key);
    expect([again.status, again.headers.get("Idempotent-Replayed"), again.json.purchaseId]).toEqual([201, "true", bought.json.purchaseId]);
    expect((await memberView(memberId)).points).toMatchObject({ available: 300, pending: 120 });
  });

  it("answers a refund retried after its key was purged with the original refund, never a second one (defect 9)", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "late-retry");
    const bought = await earnPosted(venues[0].key, memberId, 10_000);
    const key = newKey("late");
    const first = await refund(venues[0].key, bought.purchaseId, 1_000, key);
    expect(first.status).toBe(201);
    await advance(memberId, Date.now() + 9 * 86_400_000);
    const late = await refund(venues[0].key, bought.purchaseId, 1_000, key);
    expect([late.status, late.headers.get("Idempotent-Replayed")]).toEqual([201, "true"]);
    expect(late.json).toEqual(first.json);
    expect((await memberView(memberId)).points.available).toBe(200 - 20);
  });

  it("answers a redemption retried after its key was purged with the original, not a 500 (defect 9)", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "late-redeem");
    await grant(memberId, 100);
    const reward = await createReward(program.id, { pointsCost: 40 });
    const key = newKey("late-redeem");
    const first = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    await advance(memberId, Date.now() + 9 * 86_400_000);
    const late = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect([late.status, late.json.redemptionId, late.json.code]).toEqual([201, first.json.redemptionId, first.json.code]);
    expect((await memberView(memberId)).points.available).toBe(60);
  });

  it("does not replay one venue's refused refund to another venue that sends the same key (defect 11)", async () => {
    const { venues } = await coalition(2);
    const memberId = await enroll(venues[0].key, "refund-venues");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 1000 });
    const key = newKey("venue-key");
    expect((await refund(venues[1].key, bought.json.purchaseId, 500, key)).json.error.code).toBe("forbidden_venue");
    const home = await refund(venues[0].key, bought.json.purchaseId, 500, key);
    expect([home.status, home.json.error.code]).toEqual([422, "idempotency_key_reused"]);
  });
});

describe("debt is repaid before any credit (defect 3)", () => {
  it("repays debt from a cancelled redemption's points instead of handing them back spendable", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "cancel-debt");
    const bought = await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 150 });
    const issued = await redeem(venues[0].key, { memberId, rewardId: reward.json.id });
    expect((await refund(venues[0].key, bought.purchaseId, 10_000)).json).toMatchObject({ debt: 150, balance: 0 });
    const cancelled = await call("POST", `/v1/redemptions/${issued.json.code}/cancel`, { token: venues[0].key });
    expect(cancelled.status).toBe(200);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, debt: 0 });
  });

  it("repays debt from an adjustment credit first, and refuses a debit that would overdraw (defect 12)", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "adjust-debt");
    const bought = await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 150 });
    await redeem(venues[0].key, { memberId, rewardId: reward.json.id });
    await refund(venues[0].key, bought.purchaseId, 10_000);
    const credit = await adjust(memberId, { points: 200, reason: "Goodwill: cold food" });
    expect(credit.json).toMatchObject({ repaidDebt: 150, balance: 50, debt: 0 });
    const overdraw = await adjust(memberId, { points: -51, reason: "Correction" });
    expect([overdraw.status, overdraw.json.error.code]).toEqual([422, "insufficient_points"]);
    expect((await adjust(memberId, { points: -50, reason: "Correction" })).json.balance).toBe(0);
    const ledger = await call("GET", `/v1/members/${memberId}/ledger?limit=2`);
    expect(ledger.json.entries.map((entry: { kind: string; detail: { reason: string } }) => [entry.kind, entry.detail.reason])).toEqual([
      ["adjust", "Correction"],
      ["adjust", "Goodwill: cold food"],
    ]);
    // Credits do not count toward tiers unless the program says so.
    expect((await memberView(memberId)).points.lifetime).toBe(0);
  });

  it("validates adjustments: a reason is required and 0 is no adjustment", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "adjust-valid");
    for (const body of [{ points: 0, reason: "nothing" }, { points: 10 }, { points: 1.5, reason: "half" }]) {
      expect((await adjust(memberId, body)).status).toBe(422);
    }
    expect((await call("POST", `/v1/members/${memberId}/adjustments`, { token: venues[0].key, body: { points: 5, reason: "venue" }, headers: { "Idempotency-Key": newKey() } })).status).toBe(403);
  });
});

describe("a refund takes its share out of tier qualification (defect 5)", () => {
  it("takes GOLD away at once when the $2,000 purchase that earned it is refunded in full", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "gold-refund");
    const bought = await earnPosted(venues[0].key, memberId, 200_000);
    expect((await memberView(memberId)).tier).toBe("GOLD");
    const refunded = await refund(venues[0].key, bought.purchaseId, 200_000);
    expect(refunded.json.tier).toBe("BRONZE");
    expect(await memberView(memberId)).toMatchObject({ tier: "BRONZE", visits: 0, lifetimeSpendCents: 0, points: { lifetime: 0 } });
    const next = await purchase(venues[0].key, { memberId, amountCents: 4000 });
    expect(next.json.breakdown.map((line: { kind: string }) => line.kind)).toEqual(["base"]);
  });
});

describe("expiry never waits for the alarm (defect 8)", () => {
  it("does not spend points past their expiry even before the alarm has run", async () => {
    const { program, venues } = await coalition(1, { expiry: { months: 1, warningDays: 0 } });
    const memberId = await enroll(venues[0].key, "expired-unspent");
    await earnPosted(venues[0].key, memberId, 10_000);
    const config = (await call("GET", `/v1/programs/${program.id}`)).json.config;
    const reward = (await createReward(program.id, { pointsCost: 50 })).json;
    const stub = env.MEMBER.getByName(memberId);
    const later = afterHoldMs() + 40 * 86_400_000;
    const view = await stub.view(later);
    expect(view.status === 200 && view.body.points.available).toBe(0);
    const spent = await stub.redeem({ v: 2, idempotencyKey: newKey(), requestHash: "h", program: { id: program.id, config }, reward, redeemingVenue: null, nonCoalitionVenueIds: [], purchaseCents: null, code: "CODE-0000", holdToken: null, nowMs: later });
    expect((spent.body as { error: { code: string } }).error.code).toBe("insufficient_points");
  });
});
