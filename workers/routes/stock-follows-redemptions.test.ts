import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { codeCandidate } from "../../domain/rewards/redemption-code";
import { redemptionIdFor } from "../../domain/ids/derived-ids";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { requestHash } from "../idempotency/request-hash";
import { call } from "../../test/api";
import { coalition, createReward, enroll, grant, memberView, newKey, redeem } from "../../test/ledger";
import { crashNext } from "../../test/crash";
import { lapseHolds, stockOf } from "../../test/stock";

async function stockedReward(inventory: number, members: number) {
  const { program, venues } = await coalition();
  const memberIds: string[] = [];
  for (let index = 0; index < members; index++) {
    const memberId = await enroll(venues[0].key, `stock-${newKey()}`);
    await grant(memberId, 500);
    memberIds.push(memberId);
  }
  const reward = await createReward(program.id, { pointsCost: 100, inventory });
  return { program, venue: venues[0], memberIds, rewardId: reward.json.id as string };
}

const cancel = (token: string, code: string) => call("POST", `/v1/redemptions/${code}/cancel`, { token });
const consume = (token: string, code: string) => call("POST", `/v1/redemptions/${code}/consume`, { token });

describe("a stock unit follows its redemption's durable state", () => {
  it("keeps A's unit when A's key is sent again with another body, so B cannot oversell (defect 1)", async () => {
    const { venue, memberIds: [a, b], rewardId } = await stockedReward(1, 2);
    const key = newKey("k");
    expect((await redeem(venue.key, { memberId: a, rewardId }, key)).status).toBe(201);
    const reused = await redeem(venue.key, { memberId: a, rewardId, purchaseCents: 0 }, key);
    expect([reused.status, reused.json.error.code]).toEqual([422, "idempotency_key_reused"]);
    const other = await redeem(venue.key, { memberId: b, rewardId });
    expect([other.status, other.json.error.code]).toEqual([422, "out_of_stock"]);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });

  it("gives one unit to ten racing copies of one request, and none of them frees it", async () => {
    const { venue, memberIds: [a, b], rewardId } = await stockedReward(1, 2);
    const key = newKey("race");
    const bodies = Array.from({ length: 10 }, (_, index) => ({ memberId: a, rewardId, ...(index % 2 ? { purchaseCents: index } : {}) }));
    const answers = await Promise.all(bodies.map((body) => redeem(venue.key, body, key)));
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.filter((answer) => answer.status === 201).map((answer) => answer.json.redemptionId)).size).toBe(1);
    expect((await redeem(venue.key, { memberId: b, rewardId })).json.error.code).toBe("out_of_stock");
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });

  it("returns a cancelled redemption's unit exactly once, and its retry with the same key holds nothing", async () => {
    const { venue, memberIds: [a, b], rewardId } = await stockedReward(1, 2);
    const key = newKey("cancel");
    const issued = await redeem(venue.key, { memberId: a, rewardId }, key);
    expect((await cancel(venue.key, issued.json.code)).status).toBe(200);
    expect((await cancel(venue.key, issued.json.code)).status).toBe(200);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 0, remaining: 1 });
    const retried = await redeem(venue.key, { memberId: a, rewardId }, key);
    expect([retried.status, retried.headers.get("Idempotent-Replayed")]).toEqual([201, "true"]);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 0, remaining: 1 });
    expect((await redeem(venue.key, { memberId: b, rewardId })).status).toBe(201);
    expect(await stockOf(rewardId, 1)).toMatchObject({ issued: 1, remaining: 0 });
  });

  it("settles a hold whose Member call failed when it lapses, and refuses that call if it arrives after (defect 1)", async () => {
    const { program, venue, memberIds: [a], rewardId } = await stockedReward(1, 1);
    const key = newKey("lapse");
    await crashNext(env.MEMBER.getByName(a), "INSERT INTO redemptions");
    expect((await redeem(venue.key, { memberId: a, rewardId }, key)).status).toBe(500);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 1, remaining: 0 });
    const token = await runInDurableObject(env.REWARD_STOCK.getByName(rewardId), (_instance, state) => state.storage.sql.exec<{ token: string }>("SELECT token FROM holds").one().token);
    await lapseHolds(rewardId);
    expect(await runDurableObjectAlarm(env.REWARD_STOCK.getByName(rewardId))).toBe(true);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, released: 1, remaining: 1 });
    // The slow call, still carrying the lapsed hold, is refused: it may not be issued on a unit it no longer holds.
    const config = (await call("GET", `/v1/programs/${program.id}`)).json.config;
    const reward = (await call("GET", `/v1/programs/${program.id}/rewards`)).json.rewards[0];
    const slow = await env.MEMBER.getByName(a).redeem({
      v: memberRpcVersion,
      idempotencyKey: key,
      requestHash: requestHash("redeem", venue.id, { memberId: a, rewardId }),
      program: { id: program.id, config },
      reward,
      redeemingVenue: null,
      nonCoalitionVenueIds: [],
      purchaseCents: null,
      code: "SLOW-CODE",
      holdToken: token,
    });
    expect([slow.status, (slow.body as { error: { code: string } }).error.code]).toEqual([409, "hold_lapsed"]);
    // The client's retry with the same key gets that answer again, and claims nothing.
    const retried = await redeem(venue.key, { memberId: a, rewardId }, key);
    expect([retried.status, retried.json.error.code, retried.headers.get("Idempotent-Replayed")]).toEqual([409, "hold_lapsed", "true"]);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 0, remaining: 1 });
    expect((await memberView(a)).points.available).toBe(500);
    // A new key holds a fresh unit, which its redemption owns.
    expect((await redeem(venue.key, { memberId: a, rewardId }, newKey("after-lapse"))).status).toBe(201);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });

  it("refuses a crashed request retried after its hold lapsed, without claiming a unit", async () => {
    const { venue, memberIds: [a], rewardId } = await stockedReward(1, 1);
    const key = newKey("lapse-retry");
    await crashNext(env.MEMBER.getByName(a), "INSERT INTO redemptions");
    expect((await redeem(venue.key, { memberId: a, rewardId }, key)).status).toBe(500);
    await lapseHolds(rewardId);
    await runDurableObjectAlarm(env.REWARD_STOCK.getByName(rewardId));
    const retried = await redeem(venue.key, { memberId: a, rewardId }, key);
    expect([retried.status, retried.json.error.code]).toEqual([409, "hold_lapsed"]);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, released: 1, remaining: 1 });
  });

  it("confirms a slow redemption's unit from the Member's answer when the hold lapses before the follow-up", async () => {
    const { venue, memberIds: [a], rewardId } = await stockedReward(1, 1);
    const issued = await redeem(venue.key, { memberId: a, rewardId });
    expect(issued.status).toBe(201);
    // As if the follow-up never came: the unit is held again, then lapses.
    await env.REWARD_STOCK.getByName(rewardId).confirm(issued.json.redemptionId);
    await lapseHolds(rewardId);
    await runDurableObjectAlarm(env.REWARD_STOCK.getByName(rewardId));
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });

  it("returns a cancel's unit through the Member's durable follow-up when the stock call fails", async () => {
    const { venue, memberIds: [a], rewardId } = await stockedReward(1, 1);
    const issued = await redeem(venue.key, { memberId: a, rewardId });
    await crashNext(env.REWARD_STOCK.getByName(rewardId), "UPDATE holds");
    expect((await cancel(venue.key, issued.json.code)).status).toBe(200);
    expect(await stockOf(rewardId, 1)).toMatchObject({ issued: 1, remaining: 0 });
    expect(await runDurableObjectAlarm(env.MEMBER.getByName(a))).toBe(true);
    expect(await stockOf(rewardId, 1)).toMatchObject({ issued: 0, released: 1, remaining: 1 });
  });

  it("answers out_of_stock only when no unit is left: a claim refused for want of points gives its unit back first", async () => {
    const { program, venues } = await coalition();
    const poor = await Promise.all(Array.from({ length: 6 }, (_, index) => enroll(venues[0].key, `poor-${index}-${newKey()}`)));
    const rich = await enroll(venues[0].key, `rich-${newKey()}`);
    await grant(rich, 500);
    const rewardId = (await createReward(program.id, { pointsCost: 100, inventory: 1 })).json.id as string;
    const answers = await Promise.all([...poor, rich].map((memberId) => redeem(venues[0].key, { memberId, rewardId })));
    expect(answers.slice(0, 6).map((answer) => answer.json.error.code)).toEqual(Array(6).fill("insufficient_points"));
    expect(answers[6].status).toBe(201);
    expect(await stockOf(rewardId, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });

  it("moves a consumed unit to consumed, and the catalog reads the level from the read side", async () => {
    const { venue, memberIds: [a], rewardId } = await stockedReward(2, 1);
    const issued = await redeem(venue.key, { memberId: a, rewardId });
    expect((await consume(venue.key, issued.json.code)).status).toBe(200);
    expect(await stockOf(rewardId, 2)).toMatchObject({ issued: 0, consumed: 1, remaining: 1 });
    await vi.waitUntil(async () => (await call("GET", `/v1/rewards?memberId=${a}`, { token: venue.key })).json.rewards[0].remaining === 1, { timeout: 5_000, interval: 50 });
  });
});

describe("a reward's stock stays small", () => {
  it("forgets consumed and released units after 30 days without changing what is left", async () => {
    const { venue, memberIds: [a, b], rewardId } = await stockedReward(3, 2);
    const kept = await redeem(venue.key, { memberId: a, rewardId });
    const usedKey = newKey("used");
    const used = await redeem(venue.key, { memberId: b, rewardId }, usedKey);
    await consume(venue.key, used.json.code);
    const before = await stockOf(rewardId, 3);
    expect(before).toMatchObject({ issued: 1, consumed: 1, remaining: 1 });
    const stub = env.REWARD_STOCK.getByName(rewardId);
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE holds SET updated_at_ms = ? WHERE hold_id = ?", Date.now() - 31 * 86_400_000, used.json.redemptionId);
    });
    await runInDurableObject(stub, (instance) => instance.alarm());
    const rows = await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<{ hold_id: string }>("SELECT hold_id FROM holds").toArray().map((row) => row.hold_id));
    expect(rows).toEqual([kept.json.redemptionId]);
    expect(await stockOf(rewardId, 3)).toEqual(before);
    // A late retry of the forgotten redemption holds a unit for a moment and gives it back: nothing claimed twice.
    const late = await redeem(venue.key, { memberId: b, rewardId }, usedKey);
    expect([late.status, late.headers.get("Idempotent-Replayed"), late.json.redemptionId]).toEqual([201, "true", used.json.redemptionId]);
    expect(await stockOf(rewardId, 3)).toMatchObject({ held: 0, issued: 1, consumed: 1, remaining: 1 });
  });
});

describe("redemption codes", () => {
  it("draws another code when the first candidate is taken in the program, and never opens another member's redemption (defect 6)", async () => {
    const { program, venue, memberIds: [a], rewardId } = await stockedReward(5, 1);
    const key = newKey("collide");
    const taken = codeCandidate(a, key, 0);
    await env.DB.prepare("INSERT INTO redemption_codes (code, program_id, member_id, redemption_id, reward_id, created_at) VALUES (?, ?, 'mem_someoneelse00000000000000', 'rdm_other', ?, 'x')")
      .bind(taken, program.id, rewardId)
      .run();
    const issued = await redeem(venue.key, { memberId: a, rewardId }, key);
    expect(issued.status).toBe(201);
    expect(issued.json.code).toBe(codeCandidate(a, key, 1));
    expect((await consume(venue.key, issued.json.code)).json.redemptionId).toBe(redemptionIdFor(a, key));
    expect((await consume(venue.key, taken)).status).toBe(404);
  });

  it("finds a code typed in lower case without its dash, and refuses a typo", async () => {
    const { venue, memberIds: [a], rewardId } = await stockedReward(5, 1);
    const issued = await redeem(venue.key, { memberId: a, rewardId });
    expect((await consume(venue.key, issued.json.code.toLowerCase().replace("-", ""))).status).toBe(200);
    const typo = issued.json.code.slice(0, -1) + (issued.json.code.endsWith("0") ? "1" : "0");
    const refused = await consume(venue.key, typo);
    expect([refused.status, refused.json.error.code]).toEqual([404, "redemption_not_found"]);
  });
});
