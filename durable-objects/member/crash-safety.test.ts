import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, createReward, earnPosted, enroll, memberView, newKey, purchase, redeem } from "../../test/ledger";

/** Makes the actor's next statement starting with `prefix` throw, as a crash in the middle of the write. */
async function crashOn(memberId: string, prefix: string) {
  await runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    sql.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
      if (query.trimStart().startsWith(prefix)) {
        sql.exec = exec;
        throw new Error(`injected crash at ${prefix}`);
      }
      return exec(query, ...bindings);
    }) as typeof sql.exec;
  });
}

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

  it("stores nothing of a redemption, returns the held unit, and the retry spends once", async () => {
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

    const retried = await redeem(venues[0].key, { memberId, rewardId: reward.json.id }, key);
    expect(retried.status).toBe(201);
    expect((await memberView(memberId)).points.available).toBe(120);
    const catalog = await call("GET", `/v1/rewards?memberId=${memberId}`, { token: venues[0].key });
    expect(catalog.json.rewards[0].remaining).toBe(0);
  });
});
