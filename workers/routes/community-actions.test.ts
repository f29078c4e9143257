import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, createProgram } from "../../test/api";
import { hoursAgo, newKey } from "../../test/ledger";
import { projectedBalance } from "../../test/projections";

async function communityMember(overrides?: object, timezone?: string) {
  const program = await createProgram("Nebula", "community", overrides);
  const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `cm-${crypto.randomUUID()}`, ...(timezone ? { timezone } : {}) } });
  expect(enrolled.status).toBe(201);
  return { program, memberId: enrolled.json.id as string };
}

const act = (memberId: string, body: object, key = newKey("act")) => call("POST", `/v1/members/${memberId}/actions`, { body, headers: { "Idempotency-Key": key } });

describe("community actions", () => {
  it("holds the join bonus as pending until the member's first qualifying action, which posts it in its own transaction", async () => {
    const { memberId } = await communityMember();
    const view = (await call("GET", `/v1/members/${memberId}`)).json;
    expect(view.verified).toBe(false);
    expect(view.points).toMatchObject({ available: 0, pending: 100, lifetime: 0, unlock: { points: 100, message: "Attend an AMA, an event or chat to unlock 100 points" } });
    const held = (await call("GET", `/v1/members/${memberId}/ledger`)).json;
    expect(held.entries[0]).toMatchObject({ kind: "action", delta: 0, pendingDelta: 100, detail: { kind: "join", sourceId: "join", base: 100, held: true } });
    // A vote is a qualifying kind: it pays and posts the join bonus with it.
    const vote = await act(memberId, { kind: "governance_vote", sourceId: "proposal-1" });
    expect(vote.json).toMatchObject({ points: 5, balance: 105, verified: true });
    const after = (await call("GET", `/v1/members/${memberId}`)).json;
    expect([after.verified, after.points.available, after.points.pending, after.points.lifetime, after.points.unlock]).toEqual([true, 105, 0, 105, null]);
    const posted = (await call("GET", `/v1/members/${memberId}/ledger`)).json;
    expect(posted.entries[0]).toMatchObject({ kind: "action", delta: 100, pendingDelta: -100, detail: { kind: "join", released: true } });
  });

  it("credits once per source, answers the breakdown, and names its rejections: cooldown, daily cap, unknown kind, not a member", async () => {
    const { memberId } = await communityMember();
    const first = await act(memberId, { kind: "voice_ama", sourceId: "ama-1" });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ kind: "voice_ama", sourceId: "ama-1", points: 50, features: ["voice"], balance: 150 });
    expect(first.json.breakdown).toEqual([
      { factor: "base", value: 50 },
      { factor: "tier", value: 1 },
      { factor: "weekly", value: 1 },
    ]);
    // The same source under another key (a room retrying, a second caller) pays nothing more.
    const again = await act(memberId, { kind: "voice_ama", sourceId: "ama-1" });
    expect([again.status, again.headers.get("Idempotent-Replayed"), again.json.points, again.json.balance]).toEqual([201, "true", 50, 150]);
    const cooling = await act(memberId, { kind: "voice_ama", sourceId: "ama-2" });
    expect([cooling.status, cooling.json.error.code]).toEqual([422, "cooldown_active"]);
    expect(cooling.json.error.retryAfterSeconds).toBeGreaterThan(3500);
    expect(cooling.headers.get("Retry-After")).toBe(String(cooling.json.error.retryAfterSeconds));
    // Two features this week: 1.5×.
    const event = await act(memberId, { kind: "live_event", sourceId: "event-1" });
    expect(event.json).toMatchObject({ points: 45, features: ["voice", "events"] });
    expect(event.json.breakdown[2]).toEqual({ factor: "weekly", value: 1.5 });
    const chat = await act(memberId, { kind: "chat_activity", sourceId: "chat-day-1" });
    expect(chat.status).toBe(201);
    const capped = await act(memberId, { kind: "chat_activity", sourceId: "chat-day-1b" });
    expect([capped.status, capped.json.error.code]).toEqual([422, "daily_cap_reached"]);
    for (const kind of ["join", "daily_streak", "referral"]) {
      const reserved = await act(memberId, { kind, sourceId: "again" });
      expect([reserved.status, reserved.json.error.code]).toEqual([422, "reserved_action"]);
    }
    const unknown = await act(memberId, { kind: "dance_off", sourceId: "x" });
    expect([unknown.status, unknown.json.error.code]).toEqual([422, "unknown_action"]);
    const stranger = await act("mem_000000000000000000000000", { kind: "voice_ama", sourceId: "ama-9" });
    expect([stranger.status, stranger.json.error.code]).toEqual([404, "not_a_member"]);
    const backdated = await act(memberId, { kind: "live_event", sourceId: "event-old", occurredAt: hoursAgo(24 * 8) });
    expect([backdated.status, backdated.json.error.code]).toEqual([422, "occurred_at_too_old"]);
    // A refusal that does not depend on time is kept under its key; a cooldown is not (see the actor's tests).
    const reused = await act(memberId, { kind: "dance_off", sourceId: "event-2" }, "act-reused");
    const reusedAgain = await act(memberId, { kind: "live_event", sourceId: "event-3" }, "act-reused");
    expect([reused.status, reusedAgain.status, reusedAgain.json.error.code]).toEqual([422, 422, "idempotency_key_reused"]);
  });

  it("takes operators' custom kinds, and community points qualify for tiers at once", async () => {
    // The program names the meetup as a qualifying kind, so it verifies the member and posts the held join bonus.
    const { memberId } = await communityMember({ community: { actions: { attended_meetup: { points: 420, cooldownMinutes: 0 } }, qualifyingKinds: ["attended_meetup"] } });
    const meetup = await act(memberId, { kind: "attended_meetup", sourceId: "meetup-2026-11-27" });
    expect(meetup.json).toMatchObject({ points: 420, tier: "SILVER", balance: 520 });
    const view = (await call("GET", `/v1/members/${memberId}`)).json;
    expect([view.tier, view.points.lifetime]).toEqual(["SILVER", 520]);
    // SILVER's multiplier applies from now on.
    const next = await act(memberId, { kind: "attended_meetup", sourceId: "meetup-2026-11-28" });
    expect(next.json.points).toBe(525);
  });

  it("claims the daily streak once a day, by session or by operator, and answers the next claim time", async () => {
    const { memberId } = await communityMember();
    const claimed = await call("POST", `/v1/members/${memberId}/streak/claim`);
    expect(claimed.status).toBe(201);
    expect(claimed.json.streak).toMatchObject({ current: 1, longest: 1, milestoneBonus: 0 });
    // Day 1 of the seed's compounding rule: 5 × 1 / 10, floored.
    expect(claimed.json.points).toBe(0);
    const second = await call("POST", `/v1/members/${memberId}/streak/claim`);
    expect([second.status, second.json.error.code]).toEqual([409, "streak_already_claimed"]);
    expect(second.json.error.nextClaimAt).toBe(claimed.json.streak.nextClaimAt);
    expect(Date.parse(second.json.error.nextClaimAt)).toBeGreaterThan(Date.now());
    const view = (await call("GET", `/v1/members/${memberId}`)).json;
    expect(view.streak).toMatchObject({ current: 1, longest: 1 });
  });

  it("tells the read side of a burst of credits in one coalesced snapshot, from the member's alarm 2 s later", async () => {
    const { memberId } = await communityMember({ community: { actions: { quick: { points: 7, cooldownMinutes: 0 } }, qualifyingKinds: ["quick"] } });
    for (let index = 0; index < 5; index++) expect((await act(memberId, { kind: "quick", sourceId: `burst-${index}` })).status).toBe(201);
    const stub = env.MEMBER.getByName(memberId);
    const snapshots = async () =>
      (await runInDurableObject(stub, (_member, state) => state.storage.sql.exec<{ kind: string }>("SELECT json_extract(payload, '$.kind') AS kind FROM outbox").toArray())).filter((row) => row.kind === "points_credited");
    expect(await snapshots()).toEqual([]);
    // The burst set the member's alarm for the snapshot, no later than 2 s after it.
    expect(await runInDurableObject(stub, (_member, state) => state.storage.getAlarm())).toBeLessThanOrEqual(Date.now() + 2_000);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await snapshots()).toHaveLength(1);
    await vi.waitFor(async () => expect(await projectedBalance(memberId)).toBe(135), { timeout: 4_000 });
  });
});
