import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { communityMember } from "../../test/community";
import { memberRpcVersion } from "./rpc-types";

async function memberWithEvents(timezone: string) {
  const member = await communityMember(timezone);
  const events = async () => (await member.rows<{ payload: string }>("SELECT payload FROM outbox ORDER BY seq")).map((row) => JSON.parse(row.payload) as { kind: string; atMs: number });
  return { ...member, events };
}

describe("daily streak and the weekly cross-feature multiplier in the actor", () => {
  it("continues across daylight-saving changes by local calendar day, refuses a second claim the same local day, and restarts after a gap", async () => {
    const { claim } = await communityMember("America/New_York");
    // 23:30 local on the day before, on, and after the spring-forward day (a 23-hour day).
    const first = await claim("2026-03-08T04:30:00Z");
    const second = await claim("2026-03-09T03:30:00Z");
    const third = await claim("2026-03-10T03:30:00Z");
    expect([first.body, second.body, third.body].map((body) => (body as { streak: { current: number } }).streak.current)).toEqual([1, 2, 3]);
    // 23:50 local on 2026-03-09 is the same local day as the third claim.
    const again = await claim("2026-03-10T03:50:00Z");
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string; nextClaimAt: string } }).error).toMatchObject({ code: "streak_already_claimed", nextClaimAt: "2026-03-10T04:00:00.000Z" });
    // The fall-back day (25 hours): 2026-11-01 local, then 2026-11-02 local.
    const { claim: claimFall } = await communityMember("America/New_York");
    await claimFall("2026-11-01T04:30:00Z");
    expect(((await claimFall("2026-11-02T05:30:00Z")).body as { streak: { current: number } }).streak.current).toBe(2);
    const restarted = await claimFall("2026-11-04T15:00:00Z");
    expect((restarted.body as { streak: { current: number; longest: number } }).streak).toMatchObject({ current: 1, longest: 2 });
  });

  it("multiplies by 3 when all four features are active in the member's ISO week, and pays the 7-day milestone", async () => {
    const { claim, action } = await communityMember("UTC");
    const week = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"];
    let seventh: { points: number; streak: { current: number; milestoneBonus: number } } | undefined;
    for (const day of week) seventh = (await claim(`${day}T08:00:00Z`)).body as typeof seventh;
    expect(seventh!.streak).toMatchObject({ current: 7, milestoneBonus: 50 });
    await action("voice_ama", "ama-7", "2026-11-25T12:00:00Z");
    await action("live_event", "event-3", "2026-11-26T12:00:00Z");
    for (const day of ["2026-11-27", "2026-11-28", "2026-11-29"]) await action("chat_activity", `chat-${day}`, `${day}T12:00:00Z`);
    const vote = await action("governance_vote", "proposal-12", "2026-11-29T18:00:00Z");
    expect(vote.body).toMatchObject({ points: 15, features: ["voice", "chat", "events", "streak"] });
    expect((vote.body as { breakdown: unknown[] }).breakdown).toEqual([
      { factor: "base", value: 5 },
      { factor: "tier", value: 1 },
      { factor: "weekly", value: 3 },
    ]);
    // A new ISO week starts from nothing but the streak.
    const nextWeek = await action("governance_vote", "proposal-13", "2026-11-30T18:00:00Z");
    expect(nextWeek.body).toMatchObject({ points: 5, features: ["streak"] });
  });

  it("warns of a streak at risk at 20:00 local and of 48 hours without activity, once each, through the outbox", async () => {
    const { claim, stub, events } = await memberWithEvents("Europe/Berlin");
    for (const day of ["2026-11-20", "2026-11-21", "2026-11-22"]) await claim(`${day}T09:00:00Z`);
    // 19:59 Berlin (UTC+1) on the 23rd: not yet; 20:01: at risk, once.
    await stub.processDue(Date.parse("2026-11-23T18:59:00Z"));
    expect((await events()).map((event) => event.kind)).not.toContain("streak_at_risk");
    await stub.processDue(Date.parse("2026-11-23T19:01:00Z"));
    await stub.processDue(Date.parse("2026-11-23T21:00:00Z"));
    expect((await events()).filter((event) => event.kind === "streak_at_risk")).toHaveLength(1);
    // The last activity was the claim at 09:00 UTC on the 22nd: 48 hours later, not a minute sooner.
    await stub.processDue(Date.parse("2026-11-24T08:59:00Z"));
    expect((await events()).map((event) => event.kind)).not.toContain("inactive_48h");
    await stub.processDue(Date.parse("2026-11-24T09:01:00Z"));
    await stub.processDue(Date.parse("2026-11-25T09:01:00Z"));
    const inactive = (await events()).filter((event) => event.kind === "inactive_48h");
    expect(inactive).toHaveLength(1);
    expect(inactive[0].atMs).toBe(Date.parse("2026-11-24T09:01:00Z"));
  });
});

describe("the alarm and decay warnings", () => {
  const snapshotWaitMs = 2_100;
  const alarmOf = (stub: Awaited<ReturnType<typeof communityMember>>["stub"]) => runInDurableObject(stub, (_member, state) => state.storage.getAlarm());

  /** Lets the 2 s snapshot fall due and runs the member's real alarm: afterwards it is set from the stored state. */
  async function runSnapshotAlarm(stub: Awaited<ReturnType<typeof communityMember>>["stub"]) {
    await new Promise((resolve) => setTimeout(resolve, snapshotWaitMs));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
  }

  it("wakes for the coalesced snapshot 2 s after a claim, then exactly at 20:00 the next day for a streak at risk", async () => {
    const { claim, stub, rows } = await communityMember("UTC");
    const now = Date.now();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString();
    for (const offset of [-2, -1]) await claim(day(offset));
    const lastClaimMs = Date.now();
    await claim(new Date(lastClaimMs).toISOString());
    expect(await alarmOf(stub)).toBeLessThanOrEqual(Date.now() + 2_000);
    await runSnapshotAlarm(stub);
    expect((await rows<{ kind: string }>("SELECT json_extract(payload, '$.kind') AS kind FROM outbox")).map((row) => row.kind)).toContain("points_credited");
    expect(await alarmOf(stub)).toBe(Date.parse(`${day(1).slice(0, 10)}T20:00:00Z`));
  });

  it("wakes exactly 48 hours after the last activity when no streak is at risk", async () => {
    const { claim, stub } = await communityMember("UTC");
    const claimedAtMs = Date.now();
    await claim(new Date(claimedAtMs).toISOString());
    await runSnapshotAlarm(stub);
    expect(await alarmOf(stub)).toBe(claimedAtMs + 48 * 3_600_000);
  });

  it("wakes for the join bonus's snapshot at enrollment, so the read side hears of it within seconds (not days)", async () => {
    const { stub, memberId } = await communityMember("UTC");
    expect(await alarmOf(stub)).toBeLessThanOrEqual(Date.now() + 2_000);
    await runSnapshotAlarm(stub);
    await vi.waitFor(async () => {
      const row = await env.DB.prepare("SELECT available, last_seq FROM member_balances WHERE member_id = ?").bind(memberId).first<{ available: number; last_seq: number }>();
      expect(row?.last_seq).toBeGreaterThan(1);
    });
  });
});

describe("the ledger invariant on credits", () => {
  it("rolls back a credit when the ledger does not add up (lots against the journal), storing nothing of it", async () => {
    const { context, stub } = await communityMember("UTC", undefined, { verified: true });
    await runInDurableObject(stub, (_member, state) => state.storage.sql.exec("UPDATE lots SET remaining = remaining + 1"));
    // Inside the object: a write that throws rejects here, not as an unhandled RPC rejection.
    const credit = runInDurableObject(stub, (member) => member.creditAction({ v: memberRpcVersion, requestHash: "corrupt", program: context, kind: "voice_ama", sourceId: "ama-corrupt" }));
    await expect(credit).rejects.toThrow("ledger invariant broken");
    const stored = await runInDurableObject(stub, (_member, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM community_credits WHERE source_id = 'ama-corrupt'").one().n);
    expect(stored).toBe(0);
  });
});
