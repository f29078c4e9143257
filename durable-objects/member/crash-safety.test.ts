import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, createReward, earnPosted, enroll, memberView, newKey, purchase, redeem } from "../../test/ledger";
import { crashNext } from "../../test/crash";
import { lapseHolds, stockOf } from "../../test/stock";

const crashOn = (memberId: string, prefix: string) => crashNext(env.MEMBER.getByName(memberId), prefix);

const count = (memberId: string, query: string) =>
  runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => state.storage.sql.exec<{ n: number }>(query).one().n);

describe("a crash in the middle of a write", () => {
  it("stores nothing of a purchase, and the retry with the same key records it once", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "crash-purchase");
    const key = newKey("crash");
    const body = { memberId, amountCents: 5_000, occurredAt: new Date().toISOString() };
    await crashOn(memberId, "INSERT INTO entries");
    const crashed = await purchase(venues[0].key, body, key);
    expect(crashed.status).toBe(500);
    expect(crashed.json.error.code).toBe("internal_error");
    expect(await count(memberId, "SELECT COUNT(*) AS n FROM purchases")).toBe(0);
    expect(await count(memberId, "SELECT COUNT(*) AS n FROM idempotency WHERE key LIKE 'crash-%'")).toBe(0);
    expect(await count(memberId, "SELECT COUNT(*) AS n FROM entries")).toBe(0);

    const retried = await purchase(venues[0].key, body, key);
    const replayed = await purchase(venues[0].key, body, key);
    expect(retried.status).toBe(201);
    expect(replayed.json).toEqual(retried.json);
    expect(await count(memberId, "SELECT COUNT(*) AS n FROM purchases")).toBe(1);
    expect((await memberView(memberId)).points.pending).toBe(150);
  });

  it("stores nothing of a redemption, keeps its unit held for the retry, and the retry spends once", async () => {
    const { program, venues } = await coalition();
    const memberId = await enroll(venues[0].key, "crash-redeem");
    await earnPosted(venues[0].key, memberId, 10_000);
    const reward = await createReward(program.id, { pointsCost: 80, inventory: 1 });
    const key = newKey("crash-redeem");
    await crashOn(memberId, "INSERT INTO redemptions");
    const crashed = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect(crashed.status).toBe(500);
    expect((await memberView(memberId)).points.available).toBe(200);
    expect(await count(memberId, "SELECT COUNT(*) AS n FROM redemptions")).toBe(0);
    // Between the crash and the retry the unit stays held for this request: nobody else can take it.
    expect(await stockOf(reward.json.id, 1)).toMatchObject({ held: 1, issued: 0, remaining: 0 });
    const other = await enroll(venues[0].key, "crash-redeem-other");
    await earnPosted(venues[0].key, other, 10_000);
    expect((await redeem(venues[0].key, { memberId: other, rewardId: reward.json.id })).json.error.code).toBe("out_of_stock");

    const retried = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect(retried.status).toBe(201);
    expect((await memberView(memberId)).points.available).toBe(120);
    expect(await stockOf(reward.json.id, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
    // Its hold lapsing later changes nothing: the Member says the redemption exists.
    await lapseHolds(reward.json.id);
    await runDurableObjectAlarm(env.REWARD_STOCK.getByName(reward.json.id));
    expect(await stockOf(reward.json.id, 1)).toMatchObject({ held: 0, issued: 1, remaining: 0 });
  });
});
