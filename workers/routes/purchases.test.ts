import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { advance, afterHoldMs, coalition, enroll, hoursAgo, memberView, newKey, purchase } from "../../test/ledger";

describe("POST /v1/purchases", () => {
  it("earns pending points with a breakdown, posting 24 h after the purchase is received", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "earner");
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const sentAt = Date.now();
    const response = await purchase(venues[0].key, { memberId, amountCents: 4250, occurredAt });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ status: "pending", pointsPending: 42 + 100 });
    expect(Date.parse(response.json.postsAt)).toBeGreaterThanOrEqual(sentAt + 86_400_000);
    expect(Date.parse(response.json.postsAt)).toBeLessThanOrEqual(Date.now() + 86_400_000);
    expect(response.json.breakdown).toEqual([
      { kind: "base", points: 42, detail: "1 point(s) per $1 on $42.50" },
      { kind: "first_visit_bonus", points: 100, detail: "first visit at this venue" },
    ]);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, pending: 142, lifetime: 0 });
  });

  it("earns 50 pending points for a SILVER member's $40.00 purchase at a venue already visited", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "silver");
    for (let visit = 0; visit < 5; visit++) await purchase(venues[0].key, { memberId, amountCents: 1000, occurredAt: hoursAgo(30 + visit) });
    await advance(memberId, afterHoldMs());
    const member = await memberView(memberId);
    expect(member.tier).toBe("SILVER");
    const response = await purchase(venues[0].key, { memberId, amountCents: 4000 });
    expect(response.json.pointsPending).toBe(50);
    expect(response.json.breakdown.map((line: { kind: string }) => line.kind)).toEqual(["base", "tier_multiplier"]);
  });

  it("makes a restaurant member SILVER on the 5th visit, when it posts, with an upgrade event", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "fifth");
    for (let visit = 0; visit < 4; visit++) await purchase(venues[0].key, { memberId, amountCents: 500, occurredAt: hoursAgo(40 + visit) });
    await advance(memberId, afterHoldMs());
    expect((await memberView(memberId)).tier).toBe("BRONZE");
    await purchase(venues[0].key, { memberId, amountCents: 500, occurredAt: hoursAgo(1) });
    await advance(memberId, Date.now() + 23 * 3_600_000);
    expect((await memberView(memberId)).tier).toBe("BRONZE");
    await advance(memberId, afterHoldMs());
    const member = await memberView(memberId);
    expect(member.tier).toBe("SILVER");
    expect(member.visits).toBe(5);
  });

  it("adds the birthday bonus once a year, in the birthday month in the member's time zone", async () => {
    const { venues } = await coalition();
    const now = new Date();
    const month = String(now.getUTCMonth() + 1).padStart(2, "0");
    const memberId = await enroll(venues[0].key, "birthday", { birthday: `${month}-15`, timezone: "UTC" });
    const first = await purchase(venues[0].key, { memberId, amountCents: 1000 });
    const second = await purchase(venues[0].key, { memberId, amountCents: 1000 });
    expect(first.json.breakdown.map((line: { kind: string }) => line.kind)).toContain("birthday_bonus");
    expect(second.json.breakdown.map((line: { kind: string }) => line.kind)).not.toContain("birthday_bonus");
  });

  it("refuses a visit older than 7 days or more than 5 minutes ahead, and bad amounts", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "window");
    const old = await purchase(venues[0].key, { memberId, amountCents: 1000, occurredAt: hoursAgo(8 * 24) });
    expect(old.status).toBe(422);
    expect(old.json.error).toMatchObject({ code: "occurred_at_too_old", message: "occurredAt is 8 days old; purchases older than 7 days are not accepted" });
    const future = await purchase(venues[0].key, { memberId, amountCents: 1000, occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() });
    expect(future.json.error.code).toBe("occurred_at_in_future");
    for (const amountCents of [0, -5, 10.5, 100_000_001]) {
      const bad = await purchase(venues[0].key, { memberId, amountCents });
      expect(bad.status).toBe(422);
      expect(bad.json.error.fields[0].path).toBe("amountCents");
    }
  });

  it("needs a venue key and an Idempotency-Key, and keeps members of other programs apart", async () => {
    const a = await coalition();
    const b = await coalition();
    const memberId = await enroll(a.venues[0].key, "apart");
    const asOperator = await call("POST", "/v1/purchases", { body: { memberId, amountCents: 100, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": "x" } });
    expect(asOperator.status).toBe(403);
    const noKey = await call("POST", "/v1/purchases", { token: a.venues[0].key, body: { memberId, amountCents: 100, occurredAt: new Date().toISOString() } });
    expect(noKey.json.error.code).toBe("idempotency_key_missing");
    // Another program's member answers as an unknown one: the key learns nothing, not even the program.
    const foreign = await purchase(b.venues[0].key, { memberId, amountCents: 100 });
    const unknown = await purchase(b.venues[0].key, { memberId: `mem_${"0".repeat(24)}`, amountCents: 100 });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, "member_not_found"]);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, "member_not_found"]);
  });

  it("answers a dry run exactly as the real call, writing nothing, not even the key", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "dry");
    const key = newKey("dry");
    const body = { memberId, amountCents: 2500, occurredAt: hoursAgo(1) };
    const dry = await purchase(venues[0].key, body, key, true);
    expect((await memberView(memberId)).points.pending).toBe(0);
    const real = await purchase(venues[0].key, body, key);
    expect(real.headers.get("Idempotent-Replayed")).toBeNull();
    // postsAt counts from each call's receipt, a few milliseconds apart.
    expect({ ...real.json, postsAt: null }).toEqual({ ...dry.json, postsAt: null });
    expect(Math.abs(Date.parse(real.json.postsAt) - Date.parse(dry.json.postsAt))).toBeLessThan(5_000);
    const rejected = await purchase(venues[0].key, { ...body, occurredAt: hoursAgo(200) }, newKey(), true);
    expect(rejected.json.error.code).toBe("occurred_at_too_old");
  });

  it("replays the first answer for the same key, even after posting, and refuses the key with another body", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "replay");
    const key = newKey("replay");
    const body = { memberId, amountCents: 4250, occurredAt: hoursAgo(1) };
    const first = await purchase(venues[0].key, body, key);
    await advance(memberId, afterHoldMs());
    const again = await purchase(venues[0].key, body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    const reused = await purchase(venues[0].key, { ...body, amountCents: 4251 }, key);
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe("idempotency_key_reused");
    expect((await memberView(memberId)).points).toMatchObject({ available: first.json.pointsPending, pending: 0 });

    const futureKey = newKey("future");
    const future = { memberId, amountCents: 1000, occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() };
    const rejected = await purchase(venues[0].key, future, futureKey);
    expect(rejected.json.error.code).toBe("occurred_at_in_future");
    const rejectedAgain = await purchase(venues[0].key, future, futureKey);
    expect(rejectedAgain.status).toBe(422);
    expect(rejectedAgain.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("records 50 parallel identical purchases with one key once", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "burst");
    const key = newKey("burst");
    const body = { memberId, amountCents: 1234, occurredAt: hoursAgo(1) };
    const responses = await Promise.all(Array.from({ length: 50 }, () => purchase(venues[0].key, body, key)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => response.json.purchaseId)).size).toBe(1);
    expect((await memberView(memberId)).points.pending).toBe(12 + 100);
  });

  it("commits 200 concurrent purchases for one member, none rejected, pending equal to the sum of the answers", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "crowd");
    const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => purchase(venues[0].key, { memberId, amountCents: 100 + index, occurredAt: hoursAgo(1) })));
    expect(responses.filter((response) => response.status !== 201)).toEqual([]);
    const sum = responses.reduce((total, response) => total + response.json.pointsPending, 0);
    expect((await memberView(memberId)).points.pending).toBe(sum);
  });
});

describe("posting by the alarm", () => {
  it("posts a purchase once 24 h have passed since it was received, and not before", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "alarm");
    await purchase(venues[0].key, { memberId, amountCents: 3000, occurredAt: hoursAgo(1) });
    expect(await runDurableObjectAlarm(env.MEMBER.getByName(memberId))).toBe(true);
    await advance(memberId, Date.now() + 23.9 * 3_600_000);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, pending: 130 });
    await advance(memberId, afterHoldMs());
    expect((await memberView(memberId)).points).toMatchObject({ available: 130, pending: 0, lifetime: 130 });
    const ledger = await call("GET", `/v1/members/${memberId}/ledger`);
    expect(ledger.json.entries.map((entry: { kind: string }) => entry.kind)).toEqual(["post", "earn"]);
  });

  it("holds a backdated purchase the full 24 h from receipt, so a refund voids it instead of creating debt", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "backdated");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 5000, occurredAt: hoursAgo(48) });
    expect(Date.parse(bought.json.postsAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    await advance(memberId, Date.now() + 60_000);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, pending: 150 });
    const refund = await call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: venues[0].key, body: { amountCents: 5000 }, headers: { "Idempotency-Key": newKey() } });
    expect(refund.json).toMatchObject({ purchaseStatus: "voided", pointsVoided: 150, debtAdded: 0, debt: 0 });
  });
});

describe("POST /v1/purchases/{id}/refunds", () => {
  it("voids the pending points when refunded at 23 h, before posting", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "void");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 4000, occurredAt: hoursAgo(23) });
    const refund = await call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: venues[0].key, body: { amountCents: 4000 }, headers: { "Idempotency-Key": newKey() } });
    expect(refund.status).toBe(201);
    expect(refund.json).toMatchObject({ purchaseStatus: "voided", pointsVoided: 140, pointsClawedBack: 0 });
    await advance(memberId, Date.now() + 2 * 3_600_000);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, pending: 0, lifetime: 0 });
  });

  it("voids in proportion for a partial refund, and refunds never exceed the purchase", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "partial");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 10_000, occurredAt: hoursAgo(2) });
    const refundOf = (amountCents: number) =>
      call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: venues[0].key, body: { amountCents }, headers: { "Idempotency-Key": newKey() } });
    expect((await refundOf(2500)).json.pointsVoided).toBe(50);
    const tooMuch = await refundOf(7501);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.json.error.code).toBe("refund_exceeds_purchase");
    expect((await refundOf(7500)).json.pointsVoided).toBe(150);
  });

  it("claws back after posting, never below zero, and records the shortfall as debt repaid from later points", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "debt");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 10_000, occurredAt: hoursAgo(25) });
    await advance(memberId, afterHoldMs());
    const reward = await call("POST", `/v1/programs/${program.id}/rewards`, { body: { name: "Big", type: "experience", pointsCost: 150 } });
    expect((await call("POST", "/v1/redemptions", { token: venues[0].key, body: { memberId, rewardId: reward.json.id }, headers: { "Idempotency-Key": newKey() } })).status).toBe(201);
    const refund = await call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: venues[0].key, body: { amountCents: 10_000 }, headers: { "Idempotency-Key": newKey() } });
    expect(refund.json).toMatchObject({ purchaseStatus: "posted", pointsClawedBack: 50, debtAdded: 150, debt: 150, balance: 0 });
    // The refund took its 200 points out of the lifetime figure; the later 200 repay the debt first.
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, debt: 150, lifetime: 0 });
    await purchase(venues[0].key, { memberId, amountCents: 20_000, occurredAt: hoursAgo(25) });
    await advance(memberId, afterHoldMs());
    expect((await memberView(memberId)).points).toMatchObject({ available: 50, debt: 0, lifetime: 200 });
  });

  it("answers 404 for a purchase id we never issued and 403 for another venue's purchase", async () => {
    const { venues } = await coalition(2);
    const memberId = await enroll(venues[0].key, "refund-where");
    const bought = await purchase(venues[0].key, { memberId, amountCents: 1000 });
    const elsewhere = await call("POST", `/v1/purchases/${bought.json.purchaseId}/refunds`, { token: venues[1].key, body: { amountCents: 100 }, headers: { "Idempotency-Key": newKey() } });
    expect(elsewhere.status).toBe(403);
    const unknown = await call("POST", "/v1/purchases/pur_nope/refunds", { token: venues[0].key, body: { amountCents: 100 }, headers: { "Idempotency-Key": newKey() } });
    expect(unknown.status).toBe(404);
  });
});
