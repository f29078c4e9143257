import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EnrollmentRequest } from "../../domain/members/enrollment";
import { crashNext } from "../../test/crash";
import { idempotencyRetentionMs } from "./idempotency-store";
import { assertVersion, memberRpcVersion, redeemCommandFromV1 } from "./rpc-types";

const request = (id: string): EnrollmentRequest => ({
  id,
  programId: "prg_actor",
  externalRef: null,
  email: null,
  phone: null,
  birthday: null,
  timezone: "UTC",
  referralCode: "REFERRAL01",
  referredBy: null,
  tier: "BRONZE",
  enrolledVia: "operator",
});

const enrollment = (id: string, key = "k") => ({ v: memberRpcVersion, idempotencyKey: key, requestHash: "h", request: request(id) });

const keysOf = (stub: DurableObjectStub<import("./member").Member>) =>
  runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<{ key: string }>("SELECT key FROM idempotency ORDER BY key").toArray().map((row) => row.key));

describe("Member actor", () => {
  it("rolls back the whole write when it fails midway, so the retry applies once", async () => {
    const stub = env.MEMBER.getByName("mem_crash");
    // The enrollment's profile row is written, then its outbox event fails: nothing may remain.
    await crashNext(stub, "INSERT INTO outbox");
    await expect(runInDurableObject(stub, (member) => member.enroll(enrollment("mem_crash")))).rejects.toThrow("injected crash at INSERT INTO outbox");
    const afterCrash = await runInDurableObject(stub, (_instance, state) => ({
      profiles: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM profile").one().n,
      keys: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM idempotency").one().n,
    }));
    expect(afterCrash).toEqual({ profiles: 0, keys: 0 });
    const retry = await stub.enroll(enrollment("mem_crash"));
    expect(retry.status).toBe(201);
    const replay = await stub.enroll(enrollment("mem_crash"));
    expect([replay.status, replay.replayed]).toEqual([201, true]);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM profile").one().n)).toBe(1);
  });

  it("keeps idempotency keys for 8 days, a day past the 7 promised, and purges them afterwards with its alarm", async () => {
    const stub = env.MEMBER.getByName("mem_purge");
    await stub.enroll(enrollment("mem_purge", "fresh"));
    const insert = (key: string, ageMs: number) =>
      runInDurableObject(stub, (_instance, state) => {
        state.storage.sql.exec("INSERT INTO idempotency (key, request_hash, status, response, created_at_ms) VALUES (?, 'h', 200, '{}', ?)", key, Date.now() - ageMs);
      });
    await insert("seven-days-old", 7 * 86_400_000 + 60_000);
    await insert("past-retention", idempotencyRetentionMs + 60_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await keysOf(stub)).toEqual(["fresh", "seven-days-old"]);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    // The next wake-up is when the 7-day-old key reaches 8 days.
    expect(alarm).toBeGreaterThan(Date.now() + 86_400_000 - 120_000);
    expect(alarm).toBeLessThan(Date.now() + 86_400_000);
  });

  it("writes no storage for an id that was never enrolled", async () => {
    const stub = env.MEMBER.getByName("mem_nobody");
    expect((await stub.profile()).status).toBe(404);
    expect((await stub.view()).status).toBe(404);
    expect(await stub.settleHold("rdm_x", "token")).toEqual({ state: "absent", token: null });
    const tables = await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("SELECT name FROM sqlite_master").toArray());
    expect(tables).toEqual([]);
  });

  it("re-arms its alarm itself when a run fails, so posting and expiry are late at worst", async () => {
    const stub = env.MEMBER.getByName("mem_alarm_fails");
    await stub.enroll(enrollment("mem_alarm_fails"));
    await crashNext(stub, "DELETE FROM idempotency");
    await runInDurableObject(stub, (member) => member.alarm());
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThan(Date.now() + 60_000);
  });

  it("accepts the previous RPC version's redeem call, translating its ids", async () => {
    const v1 = { v: 1 as const, requestHash: "h", program: { id: "p", config: {} as never }, reward: {} as never, redeemingVenue: null, nonCoalitionVenueIds: [], purchaseCents: null };
    expect(redeemCommandFromV1(v1, { redemptionId: "rdm_1", code: "ABCD-EFGH" })).toMatchObject({ v: memberRpcVersion, code: "ABCD-EFGH", holdToken: null });
    expect(() => assertVersion(memberRpcVersion - 1)).not.toThrow();
    expect(() => assertVersion(9)).toThrow(/version 9/);
  });
});
