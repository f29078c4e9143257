import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call } from "../../test/api";
import { coalition, createReward, earnPosted, enroll, memberView, newKey, redeem } from "../../test/ledger";
import { stockOf } from "../../test/stock";

describe("POST /v1/redemptions", () => {
  it("spends points, returns a single-use code, and the venue consumes it once", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "redeemer");
    await earnPosted(venues[0].key, memberId, 20_000);
    const reward = await createReward(program.id, { pointsCost: 250 });
    const issued = await redeem(venues[0].key, { memberId, rewardId: reward.json.id });
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ status: "issued", pointsSpent: 250, balance: 50 });
    expect(issued.json.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const consumed = await call("POST", `/v1/redemptions/${issued.json.code}/consume`, { token: venues[0].key });
    expect(consumed.json.status).toBe("consumed");
    const again = await call("POST", `/v1/redemptions/${issued.json.code}/consume`, { token: venues[0].key });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const cancel = await call("POST", `/v1/redemptions/${issued.json.code}/cancel`, { token: venues[0].key });
    expect(cancel.status).toBe(409);
    expect(cancel.json.error.code).toBe("redemption_consumed");
  });

  it("returns the points when an unused code is cancelled", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "canceller");
    await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 120 });
    const issued = await redeem(venues[0].key, { memberId, rewardId: reward.json.id });
    expect((await memberView(memberId)).points.available).toBe(80);
    const cancelled = await call("POST", `/v1/redemptions/${issued.json.code}/cancel`, { token: venues[0].key });
    expect(cancelled.json.status).toBe("cancelled");
    expect((await memberView(memberId)).points).toMatchObject({ available: 200, lifetime: 200 });
    const consume = await call("POST", `/v1/redemptions/${issued.json.code}/consume`, { token: venues[0].key });
    expect(consume.json.error.code).toBe("redemption_cancelled");
  });

  it("answers each rule's 422 code, and a dry run answers the same code writing nothing", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "rules");
    await earnPosted(venues[0].key, memberId, 10_000);
    const tomorrow = (new Date().getUTCDay() + 1) % 7;
    const cases: [object, string][] = [
      [{ pointsCost: 5000 }, "insufficient_points"],
      [{ pointsCost: 10, tiers: ["GOLD"] }, "tier_restricted"],
      [{ pointsCost: 10, validTo: new Date(Date.now() - 60_000).toISOString() }, "outside_window"],
      [{ pointsCost: 10, daysOfWeek: [tomorrow] }, "day_restricted"],
      [{ pointsCost: 10, minPurchaseCents: 5000 }, "min_purchase_not_met"],
      [{ pointsCost: 10, inventory: 0 }, "out_of_stock"],
    ];
    for (const [rules, code] of cases) {
      const reward = await createReward(program.id, rules);
      const dry = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, newKey(), true);
      const real = await redeem(venues[0].key, { memberId, rewardId: reward.json.id });
      expect([dry.status, dry.json.error?.code], JSON.stringify(rules)).toEqual([422, code]);
      expect(real.json.error.code).toBe(code);
    }
    const capped = await createReward(program.id, { pointsCost: 10, perMemberCap: 1, perDayCap: 5 });
    expect((await redeem(venues[0].key, { memberId, rewardId: capped.json.id })).status).toBe(201);
    expect((await redeem(venues[0].key, { memberId, rewardId: capped.json.id })).json.error.code).toBe("member_cap_reached");
    const daily = await createReward(program.id, { pointsCost: 10, perDayCap: 1 });
    expect((await redeem(venues[0].key, { memberId, rewardId: daily.json.id })).status).toBe(201);
    const other = await enroll(venues[0].key, "rules-2");
    await earnPosted(venues[0].key, other, 10_000);
    expect((await redeem(venues[0].key, { memberId: other, rewardId: daily.json.id })).json.error.code).toBe("daily_cap_reached");
    expect((await memberView(memberId)).points.available).toBe(200 - 20);
  });

  it("lets exactly 3 of 50 parallel redemptions through when the balance covers 3", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "parallel");
    await earnPosted(venues[0].key, memberId, 20_000);
    const reward = await createReward(program.id, { pointsCost: 100 });
    const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(venues[0].key, { memberId, rewardId: reward.json.id })));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(3);
    const rejected = responses.filter((response) => response.status !== 201);
    expect(new Set(rejected.map((response) => `${response.status} ${response.json.error.code}`))).toEqual(new Set(["422 insufficient_points"]));
    expect((await memberView(memberId)).points.available).toBe(0);
  });

  it("never oversells: a reward with inventory 5 claimed by 20 members in parallel goes to exactly 5", async () => {
    const { program, venues } = await coalition();
    const members = await Promise.all(Array.from({ length: 20 }, (_, index) => enroll(venues[0].key, `stock-${index}`)));
    await Promise.all(members.map((memberId) => earnPosted(venues[0].key, memberId, 5_000)));
    const reward = await createReward(program.id, { pointsCost: 50, inventory: 5 });
    const keys = members.map(() => newKey("claim"));
    const responses = await Promise.all(members.map((memberId, index) => redeem(venues[0].key, { memberId, rewardId: reward.json.id }, keys[index])));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(5);
    expect(new Set(responses.filter((response) => response.status !== 201).map((response) => response.json.error.code))).toEqual(new Set(["out_of_stock"]));
    expect(await stockOf(reward.json.id, 5)).toMatchObject({ held: 0, issued: 5, remaining: 0 });
    // A winner's key sent again with another body is refused and frees nothing.
    const winner = members[responses.findIndex((response) => response.status === 201)];
    const reused = await redeem(venues[0].key, { memberId: winner, rewardId: reward.json.id, purchaseCents: 1 }, keys[members.indexOf(winner)]);
    expect(reused.json.error.code).toBe("idempotency_key_reused");
    expect(await stockOf(reward.json.id, 5)).toMatchObject({ held: 0, issued: 5, remaining: 0 });
    await vi.waitUntil(async () => (await call("GET", `/v1/rewards?memberId=${members[0]}`, { token: venues[0].key })).json.rewards[0].remaining === 0, { timeout: 5_000, interval: 50 });
  });

  it("answers a successful dry run exactly as the real call, spending nothing", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "dry-redeem");
    await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 70, inventory: 1 });
    const key = newKey();
    const dry = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key, true);
    expect(dry.status).toBe(201);
    expect((await memberView(memberId)).points.available).toBe(200);
    const catalog = await call("GET", `/v1/rewards?memberId=${memberId}`, { token: venues[0].key });
    expect(catalog.json.rewards[0].remaining).toBe(1);
    const real = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect(real.headers.get("Idempotent-Replayed")).toBeNull();
    expect(real.json).toEqual(dry.json);
  });

  it("replays a redemption with the same key instead of spending twice", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "replay");
    await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 60, inventory: 10 });
    const key = newKey();
    const first = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    const second = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(second.json).toEqual(first.json);
    expect((await memberView(memberId)).points.available).toBe(140);
  });
});

describe("GET /v1/rewards?memberId=", () => {
  it("shows each reward's eligibility and the reason when not eligible", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "catalog");
    await earnPosted(venues[0].key, memberId, 10_000);
    await createReward(program.id, { name: "Coffee", pointsCost: 100 });
    await createReward(program.id, { name: "Dinner", pointsCost: 900 });
    await createReward(program.id, { name: "Gold lounge", pointsCost: 10, tiers: ["GOLD"] });
    const catalog = await call("GET", `/v1/rewards?memberId=${memberId}`, { token: venues[0].key });
    expect(catalog.json.rewards.map((entry: { reward: { name: string }; eligible: boolean; reason: { code: string } | null }) => [entry.reward.name, entry.eligible, entry.reason?.code ?? null])).toEqual([
      ["Coffee", true, null],
      ["Dinner", false, "insufficient_points"],
      ["Gold lounge", false, "tier_restricted"],
    ]);
  });
});

describe("coalition redemptions", () => {
  it("caps the share paid with points from other venues and writes who owes whom", async () => {
    const { program, venues } = await coalition(3, undefined, [{ revenueSharePercent: 10 }, { maxCrossVenueRedemptionPercent: 50, revenueSharePercent: 10 }, { allowCrossVenueRedemption: false }]);
    const memberId = await enroll(venues[0].key, "traveller");
    await earnPosted(venues[0].key, memberId, 10_000); // 200 points earned at venue 0
    const reward = await createReward(program.id, { pointsCost: 100 });
    const atOne = await redeem(venues[1].key, { memberId, rewardId: reward.json.id });
    expect(atOne.json.error.code).toBe("cross_venue_cap_exceeded");
    const atTwo = await redeem(venues[2].key, { memberId, rewardId: reward.json.id });
    expect(atTwo.json.error.code).toBe("cross_venue_not_allowed");
    const small = await createReward(program.id, { pointsCost: 40 });
    await earnPosted(venues[1].key, memberId, 2_000); // 20 + 100 first-visit points at venue 1
    // FIFO spends venue 0's older points first, up to venue 1's 50% cap; venue 1's own points pay the rest.
    const mixed = await redeem(venues[1].key, { memberId, rewardId: small.json.id });
    expect(mixed.status).toBe(201);
    expect(mixed.json.settlements).toEqual([{ earningVenueId: venues[0].id, redeemingVenueId: venues[1].id, points: 20, valueCents: 20, feeCents: 2 }]);

    await vi.waitUntil(async () => (await call("GET", `/v1/programs/${program.id}/settlements`)).json.pairs.length === 1, { timeout: 5000 });
    const sums = await call("GET", `/v1/programs/${program.id}/settlements?from=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(sums.json.pairs).toEqual([{ earningVenueId: venues[0].id, redeemingVenueId: venues[1].id, redemptions: 1, points: 20, valueCents: 20, feeCents: 2 }]);
    const row = await env.DB.prepare("SELECT available FROM member_balances WHERE member_id = ?").bind(memberId).first<{ available: number }>();
    expect(row?.available).toBe((await memberView(memberId)).points.available);
  });
});
