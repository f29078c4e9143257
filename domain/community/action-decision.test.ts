import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { communityPoints, decideAction } from "./action-decision";
import type { ActionRule } from "./action-rules";
import { localDay } from "./weekly-features";

const now = Date.parse("2026-05-04T12:00:00Z");
const hourMs = 3_600_000;
const voiceAma: ActionRule = { points: 50, cooldownMs: hourMs, dailyCap: null, feature: "voice" };
const chatActivity: ActionRule = { points: 10, cooldownMs: hourMs, dailyCap: 1, feature: "chat" };
const never = { nearbyAtMs: [], creditsByDay: {} };
const asOfNow = { occurredAtMs: now, nowMs: now, timeZone: "UTC", timeGiven: false };
const at = (occurredAtMs: number) => ({ occurredAtMs, nowMs: now, timeZone: "UTC", timeGiven: true });

describe("decideAction", () => {
  it("credits a first action of a known kind", () => {
    expect(decideAction(voiceAma, "voice_ama", never, asOfNow)).toEqual({ ok: true });
  });

  it("refuses a kind the program does not define", () => {
    expect(decideAction(undefined, "meetup_attended", never, asOfNow)).toMatchObject({ ok: false, status: 422, code: "unknown_action" });
  });

  it("refuses the same kind within the hour and says how many seconds are left", () => {
    const decision = decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now - 20 * 60_000], creditsByDay: {} }, asOfNow);
    expect(decision).toMatchObject({ ok: false, status: 422, code: "cooldown_active", retryAfterSeconds: 40 * 60 });
  });

  it("credits again exactly when the cooldown ends", () => {
    expect(decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now - hourMs], creditsByDay: {} }, asOfNow)).toEqual({ ok: true });
  });

  it("rounds the wait up to a whole second, never down to zero", () => {
    const oneMsLeft = decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now - hourMs + 1], creditsByDay: {} }, asOfNow);
    expect(oneMsLeft).toMatchObject({ code: "cooldown_active", retryAfterSeconds: 1 });
    const justOverASecond = decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now - hourMs + 1001], creditsByDay: {} }, asOfNow);
    expect(justOverASecond).toMatchObject({ retryAfterSeconds: 2 });
  });

  it("has no cooldown for a kind configured with 0 minutes", () => {
    const join: ActionRule = { points: 100, cooldownMs: 0, dailyCap: null, feature: null };
    expect(decideAction(join, "join", { nearbyAtMs: [now], creditsByDay: { "2026-05-04": 1 } }, asOfNow)).toEqual({ ok: true });
  });

  it("refuses chat after its one credit of the day and says a retry fits at the next local midnight", () => {
    const decision = decideAction(chatActivity, "chat_activity", { nearbyAtMs: [], creditsByDay: { "2026-05-04": 1 } }, asOfNow);
    expect(decision).toMatchObject({ ok: false, status: 422, code: "daily_cap_reached", retryAfterSeconds: 12 * 3600 });
  });

  it("credits up to the cap and refuses the next one", () => {
    const referral: ActionRule = { points: 100, cooldownMs: 0, dailyCap: 20, feature: null };
    expect(decideAction(referral, "referral", { nearbyAtMs: [], creditsByDay: { "2026-05-04": 19 } }, asOfNow)).toEqual({ ok: true });
    expect(decideAction(referral, "referral", { nearbyAtMs: [], creditsByDay: { "2026-05-04": 20 } }, asOfNow)).toMatchObject({ code: "daily_cap_reached" });
  });

  it("accepts a late AMA from 3 hours ago after one from now: it is a cooldown away from every accepted one", () => {
    expect(decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now], creditsByDay: {} }, at(now - 3 * hourMs))).toEqual({ ok: true });
  });

  it("refuses a late AMA that falls within an hour of a later accepted one, and promises no retry that could never succeed", () => {
    const decision = decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now], creditsByDay: {} }, at(now - 30 * 60_000));
    expect(decision).toMatchObject({ ok: false, code: "cooldown_active" });
    expect(decision).not.toHaveProperty("retryAfterSeconds");
  });

  it("counts a backdated credit against its own day's cap, not today's", () => {
    const yesterday = now - 24 * hourMs;
    expect(decideAction(chatActivity, "chat_activity", { nearbyAtMs: [now], creditsByDay: { "2026-05-04": 1 } }, at(yesterday))).toEqual({ ok: true });
    expect(decideAction(chatActivity, "chat_activity", { nearbyAtMs: [], creditsByDay: { "2026-05-03": 1 } }, at(yesterday))).toMatchObject({ code: "daily_cap_reached" });
  });

  it("says a retry time past a credit up to 5 minutes in the future, not just past the last one", () => {
    const decision = decideAction(voiceAma, "voice_ama", { nearbyAtMs: [now - 50 * 60_000, now + 4 * 60_000], creditsByDay: {} }, asOfNow);
    expect(decision).toMatchObject({ code: "cooldown_active", retryAfterSeconds: 64 * 60 });
  });
});

type Arrival = { occurredAtMs: number; arrivesAtMs: number; timeGiven: boolean };

/** Sends credits in the given order through the decision, keeping the accepted ones as the actor does. */
function replay(rule: ActionRule, arrivals: readonly Arrival[], timeZone: string): number[] {
  const accepted: number[] = [];
  for (const arrival of arrivals) {
    const occurredAtMs = arrival.timeGiven ? arrival.occurredAtMs : arrival.arrivesAtMs;
    const creditsByDay: Record<string, number> = {};
    for (const atMs of accepted) creditsByDay[localDay(atMs, timeZone)] = (creditsByDay[localDay(atMs, timeZone)] ?? 0) + 1;
    const decision = decideAction(rule, "kind", { nearbyAtMs: accepted, creditsByDay }, { occurredAtMs, nowMs: arrival.arrivesAtMs, timeZone, timeGiven: arrival.timeGiven });
    if (decision.ok) accepted.push(occurredAtMs);
  }
  return accepted;
}

describe("cooldowns and caps whatever the arrival order (issue 20, defect 6)", () => {
  const weekMs = 7 * 24 * hourMs;
  const arrival = fc.record({ occurredAtMs: fc.integer({ min: now - weekMs, max: now }), arrivesAtMs: fc.integer({ min: now, max: now + weekMs }), timeGiven: fc.boolean() });
  const rule = fc.record({ points: fc.constant(10), cooldownMs: fc.constantFrom(0, 15 * 60_000, hourMs, 5 * hourMs), dailyCap: fc.constantFrom(null, 1, 3), feature: fc.constant(null) });
  const zone = fc.constantFrom("UTC", "Pacific/Auckland", "Pacific/Honolulu");

  it("keeps accepted credits a cooldown apart and each local day within its cap, and accepts what fits", () => {
    fc.assert(
      fc.property(rule, zone, fc.array(arrival, { maxLength: 40 }), (rule, timeZone, arrivals) => {
        const sorted = [...arrivals].sort((a, b) => a.arrivesAtMs - b.arrivesAtMs);
        const accepted = replay(rule, sorted, timeZone).sort((a, b) => a - b);
        for (let index = 1; index < accepted.length; index++) expect(accepted[index] - accepted[index - 1]).toBeGreaterThanOrEqual(rule.cooldownMs);
        const perDay = new Map<string, number>();
        for (const atMs of accepted) perDay.set(localDay(atMs, timeZone), (perDay.get(localDay(atMs, timeZone)) ?? 0) + 1);
        if (rule.dailyCap !== null) for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(rule.dailyCap);
        // Every refused credit really conflicts with an accepted one: nothing that fits is lost.
        for (const refused of sorted) {
          const atMs = refused.timeGiven ? refused.occurredAtMs : refused.arrivesAtMs;
          if (accepted.includes(atMs)) continue;
          const clash = accepted.some((other) => Math.abs(other - atMs) < rule.cooldownMs);
          const full = rule.dailyCap !== null && (perDay.get(localDay(atMs, timeZone)) ?? 0) >= rule.dailyCap;
          expect(clash || full).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("tells a retry time after which the same credit, as of then, succeeds", () => {
    fc.assert(
      fc.property(rule, zone, fc.array(fc.integer({ min: now - 2 * hourMs, max: now + 5 * 60_000 }), { maxLength: 12 }), (rule, timeZone, earlier) => {
        const accepted = replay(rule, earlier.map((occurredAtMs) => ({ occurredAtMs, arrivesAtMs: now, timeGiven: true })), timeZone);
        const creditsByDay: Record<string, number> = {};
        for (const atMs of accepted) creditsByDay[localDay(atMs, timeZone)] = (creditsByDay[localDay(atMs, timeZone)] ?? 0) + 1;
        const history = { nearbyAtMs: accepted, creditsByDay };
        const decision = decideAction(rule, "kind", history, { occurredAtMs: now, nowMs: now, timeZone, timeGiven: false });
        if (decision.ok) return;
        expect(decision.retryAfterSeconds).toBeGreaterThan(0);
        const retryAtMs = now + decision.retryAfterSeconds! * 1000;
        expect(decideAction(rule, "kind", history, { occurredAtMs: retryAtMs, nowMs: retryAtMs, timeZone, timeGiven: false })).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });
});

describe("communityPoints", () => {
  it("multiplies a GOLD member's AMA by the tier and by 2 features this week", () => {
    expect(communityPoints(50, 1.5, 1.5)).toEqual({
      points: 112,
      breakdown: [
        { factor: "base", value: 50 },
        { factor: "tier", value: 1.5 },
        { factor: "weekly", value: 1.5 },
      ],
    });
  });

  it("earns the base for a BRONZE member with at most one feature", () => {
    expect(communityPoints(30, 1, 1).points).toBe(30);
  });

  it("earns 6× for a DIAMOND member using all four features", () => {
    expect(communityPoints(50, 2, 3).points).toBe(300);
  });

  it("floors once and does not lose a point to floating point rounding", () => {
    expect(communityPoints(10, 1.25, 1.5).points).toBe(18);
    expect(communityPoints(100, 1.15, 1).points).toBe(115);
  });

  it("never credits more than the credit limit, whatever the factors", () => {
    expect(communityPoints(100_000, 10, 10).points).toBe(10_000_000);
    expect(communityPoints(1_000_000, 10, 10).points).toBe(10_000_000);
  });
});
