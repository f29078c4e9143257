import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const windowMs = 10 * 60_000;
const limiterNamed = (name: string) => env.RATE_LIMITER.getByName(`${name}:${crypto.randomUUID()}`);

describe("the rate limiter actor", () => {
  it("keeps its count when the object is evicted: a fresh instance refuses the hit over the limit", async () => {
    const name = `evict:${crypto.randomUUID()}`;
    const nowMs = Date.now();
    for (let hit = 0; hit < 3; hit++) expect((await env.RATE_LIMITER.getByName(name).hit(3, windowMs, nowMs + hit)).allowed).toBe(true);
    const stub = env.RATE_LIMITER.getByName(name);
    await runInDurableObject(stub, (instance) => Reflect.set(instance, "evictionProbe", true));
    // ctx.abort() resets the object as an eviction or a restart does: what was in memory is gone.
    await expect(runInDurableObject(stub, (_instance, state) => state.abort("evicted by the test"))).rejects.toThrow();
    const fresh = env.RATE_LIMITER.getByName(name);
    expect(await runInDurableObject(fresh, (instance) => Reflect.get(instance, "evictionProbe"))).toBeUndefined();
    expect(await fresh.hit(3, windowMs, nowMs + 60_000)).toEqual({ allowed: false, retryAfterSeconds: 540 });
    const rows = await runInDurableObject(fresh, (_instance, state) => state.storage.sql.exec<{ count: number }>("SELECT count FROM fixed_window").toArray());
    expect(rows).toEqual([{ count: 3 }]);
  });

  it("reopens the window once it has elapsed, and says when until then", async () => {
    const limiter = limiterNamed("reopen");
    const nowMs = Date.now();
    expect((await limiter.hit(1, windowMs, nowMs)).allowed).toBe(true);
    expect(await limiter.hit(1, windowMs, nowMs + windowMs - 1_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.hit(1, windowMs, nowMs + windowMs)).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it("forgets an elapsed window at its alarm, so an idle subject keeps no storage", async () => {
    const limiter = limiterNamed("idle");
    await limiter.hit(5, windowMs, Date.now());
    const alarmAtMs = await runInDurableObject(limiter, (_instance, state) => state.storage.getAlarm());
    expect(alarmAtMs).toBeGreaterThan(Date.now() + windowMs - 5_000);
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    const tables = await runInDurableObject(limiter, (_instance, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'fixed_window'").toArray());
    expect(tables).toEqual([]);
    // The same live instance counts again from zero.
    expect((await limiter.hit(1, windowMs, Date.now())).allowed).toBe(true);
    expect((await limiter.hit(1, windowMs, Date.now())).allowed).toBe(false);
  });
});
