import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EnrollmentRequest } from "../../domain/members/enrollment";
import { idempotencyRetentionMs } from "./idempotency-store";
import { memberRpcVersion } from "./rpc-types";

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

describe("Member actor", () => {
  it("rolls back the whole write when it fails midway, so the retry applies once", async () => {
    const stub = env.MEMBER.getByName("mem_crash");
    await expect(
      runInDurableObject(stub, (_instance, state) =>
        state.storage.transactionSync(() => {
          state.storage.sql.exec("INSERT INTO profile (id, program_id, timezone, referral_code, tier, enrolled_via, enrolled_at) VALUES ('x','p','UTC','R','BRONZE','operator','now')");
          throw new Error("crash between steps");
        }),
      ),
    ).rejects.toThrow("crash between steps");
    const retry = await stub.enroll({ v: memberRpcVersion, idempotencyKey: "k", requestHash: "h", request: request("mem_crash") });
    expect(retry.status).toBe(201);
    const rows = await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM profile").one().n);
    expect(rows).toBe(1);
  });

  it("keeps idempotency keys for at least 7 days and purges them afterwards with its alarm", async () => {
    const stub = env.MEMBER.getByName("mem_purge");
    await stub.enroll({ v: memberRpcVersion, idempotencyKey: "fresh", requestHash: "h", request: request("mem_purge") });
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO idempotency (key, request_hash, status, response, created_at_ms) VALUES ('old', 'h', 200, '{}', ?)",
        Date.now() - idempotencyRetentionMs - 60_000,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const keys = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ key: string }>("SELECT key FROM idempotency ORDER BY key").toArray().map((row) => row.key),
    );
    expect(keys).toEqual(["fresh"]);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    // The next wake-up is for the next retention horizon: sent events (7 days) or keys (8 days).
    expect(alarm).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });
});
