import { describe, expect, it } from "vitest";
import { communityPoints, decideAction } from "./action-decision";
import type { ActionRule } from "./action-rules";

const now = Date.parse("2026-05-04T12:00:00Z");
const hourMs = 3_600_000;
const voiceAma: ActionRule = { points: 50, cooldownMs: hourMs, dailyCap: null, feature: "voice" };
const chatActivity: ActionRule = { points: 10, cooldownMs: hourMs, dailyCap: 1, feature: "chat" };
const never = { lastCreditAtMs: null, creditsToday: 0 };

describe("decideAction", () => {
  it("credits a first action of a known kind", () => {
    expect(decideAction(voiceAma, "voice_ama", never, now)).toEqual({ ok: true });
  });

  it("refuses a kind the program does not define", () => {
    expect(decideAction(undefined, "meetup_attended", never, now)).toMatchObject({ ok: false, status: 422, code: "unknown_action" });
  });

  it("refuses the same kind within the hour and says how many seconds are left", () => {
    const decision = decideAction(voiceAma, "voice_ama", { lastCreditAtMs: now - 20 * 60_000, creditsToday: 1 }, now);
    expect(decision).toMatchObject({ ok: false, status: 422, code: "cooldown_active", retryAfterSeconds: 40 * 60 });
  });

  it("credits again exactly when the cooldown ends", () => {
    expect(decideAction(voiceAma, "voice_ama", { lastCreditAtMs: now - hourMs, creditsToday: 1 }, now)).toEqual({ ok: true });
  });

  it("rounds the wait up to a whole second, never down to zero", () => {
    const oneMsLeft = decideAction(voiceAma, "voice_ama", { lastCreditAtMs: now - hourMs + 1, creditsToday: 1 }, now);
    expect(oneMsLeft).toMatchObject({ code: "cooldown_active", retryAfterSeconds: 1 });
    const justOverASecond = decideAction(voiceAma, "voice_ama", { lastCreditAtMs: now - hourMs + 1001, creditsToday: 1 }, now);
    expect(justOverASecond).toMatchObject({ retryAfterSeconds: 2 });
  });

  it("has no cooldown for a kind configured with 0 minutes", () => {
    const join: ActionRule = { points: 100, cooldownMs: 0, dailyCap: null, feature: null };
    expect(decideAction(join, "join", { lastCreditAtMs: now, creditsToday: 1 }, now)).toEqual({ ok: true });
  });

  it("refuses chat after its one credit of the day, even once the cooldown is over", () => {
    const decision = decideAction(chatActivity, "chat_activity", { lastCreditAtMs: now - 3 * hourMs, creditsToday: 1 }, now);
    expect(decision).toMatchObject({ ok: false, status: 422, code: "daily_cap_reached" });
    expect(decision).not.toHaveProperty("retryAfterSeconds");
  });

  it("credits up to the cap and refuses the next one", () => {
    const referral: ActionRule = { points: 100, cooldownMs: 0, dailyCap: 20, feature: null };
    expect(decideAction(referral, "referral", { lastCreditAtMs: now, creditsToday: 19 }, now)).toEqual({ ok: true });
    expect(decideAction(referral, "referral", { lastCreditAtMs: now, creditsToday: 20 }, now)).toMatchObject({ code: "daily_cap_reached" });
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
});
