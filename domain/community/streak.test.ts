import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayAfter, decideStreakClaim, startOfLocalDay, startOfNextLocalDay, streakWarningTimes, type StreakState } from "./streak";
import { localDay } from "./weekly-features";

const at = (iso: string) => Date.parse(iso);
const rules = { points: 5, capDays: 30, divisor: 10, milestones: { "7": 50, "30": 200 } };
const warnings = { atRiskHour: 20, atRiskMinStreak: 3, inactiveHours: 48 };
const fresh: StreakState = { lastClaimDay: null, current: 0, longest: 0 };
const newYork = "America/New_York";

function claimed(state: StreakState, nowMs: number, timeZone: string) {
  const decision = decideStreakClaim(state, nowMs, timeZone, rules);
  if (!decision.ok) throw new Error(`expected the claim at ${new Date(nowMs).toISOString()} to pass: ${decision.message}`);
  return decision;
}

/** The member's streak state once a claim is recorded. */
const after = (claim: { day: string; current: number; longest: number }): StreakState => ({
  lastClaimDay: claim.day,
  current: claim.current,
  longest: claim.longest,
});

describe("decideStreakClaim", () => {
  const noon = at("2026-05-04T16:00:00Z"); // 12:00 in New York

  it("starts a first streak at 1 and opens the next claim at local midnight", () => {
    expect(decideStreakClaim(fresh, noon, newYork, rules)).toEqual({
      ok: true,
      day: "2026-05-04",
      current: 1,
      longest: 1,
      basePoints: 0, // 5 × 1 / 10 floors to 0: the reward grows with the streak
      milestoneBonus: 0,
      nextClaimAtMs: at("2026-05-05T04:00:00Z"),
    });
  });

  it("continues a streak claimed yesterday", () => {
    const claim = claimed({ lastClaimDay: "2026-05-03", current: 4, longest: 4 }, noon, newYork);
    expect(claim).toMatchObject({ current: 5, longest: 5, basePoints: 2 });
  });

  it("restarts at 1 after a missed day and keeps the longest streak", () => {
    const claim = claimed({ lastClaimDay: "2026-05-02", current: 12, longest: 15 }, noon, newYork);
    expect(claim).toMatchObject({ current: 1, longest: 15 });
  });

  it("refuses a second claim the same local day with the start of the next one", () => {
    const decision = decideStreakClaim({ lastClaimDay: "2026-05-04", current: 3, longest: 3 }, noon, newYork, rules);
    expect(decision).toMatchObject({ ok: false, status: 409, code: "streak_already_claimed", nextClaimAtMs: at("2026-05-05T04:00:00Z") });
    if (decision.ok) return;
    expect(decision.message).toContain("2026-05-05T00:00:00.000-04:00");
  });

  it("refuses a claim for a day before one already claimed, after a move to a zone further west", () => {
    const decision = decideStreakClaim({ lastClaimDay: "2026-05-05", current: 3, longest: 3 }, at("2026-05-05T02:00:00Z"), newYork, rules);
    expect(decision).toMatchObject({ ok: false, code: "streak_already_claimed", nextClaimAtMs: at("2026-05-06T04:00:00Z") });
  });

  it("adds the 7-day milestone bonus on the seventh day", () => {
    expect(claimed({ lastClaimDay: "2026-05-03", current: 6, longest: 6 }, noon, newYork)).toMatchObject({
      current: 7,
      basePoints: 3,
      milestoneBonus: 50,
    });
  });

  it("adds the 30-day milestone bonus and reaches the cap on the thirtieth day", () => {
    expect(claimed({ lastClaimDay: "2026-05-03", current: 29, longest: 29 }, noon, newYork)).toMatchObject({
      current: 30,
      basePoints: 15,
      milestoneBonus: 200,
    });
  });

  it("stops growing the reward after 30 days", () => {
    expect(claimed({ lastClaimDay: "2026-05-03", current: 30, longest: 30 }, noon, newYork)).toMatchObject({ current: 31, basePoints: 15, milestoneBonus: 0 });
    expect(claimed({ lastClaimDay: "2026-05-03", current: 364, longest: 364 }, noon, newYork)).toMatchObject({ basePoints: 15 });
  });
});

describe("daily streak across daylight-saving changes", () => {
  it("continues across New York's 23-hour day (2026-03-08) with claims at 23:30 local", () => {
    const saturday = claimed(fresh, at("2026-03-08T04:30:00Z"), newYork); // 7 Mar 23:30 EST
    expect(saturday).toMatchObject({ day: "2026-03-07", nextClaimAtMs: at("2026-03-08T05:00:00Z") });
    const sunday = claimed(after(saturday), at("2026-03-09T03:30:00Z"), newYork); // 8 Mar 23:30 EDT, 23 h later
    expect(sunday).toMatchObject({ day: "2026-03-08", current: 2, nextClaimAtMs: at("2026-03-09T04:00:00Z") });
    const monday = claimed(after(sunday), at("2026-03-10T03:30:00Z"), newYork);
    expect(monday).toMatchObject({ day: "2026-03-09", current: 3 });
  });

  it("opens a claim at each local midnight although the short day has only 23 hours", () => {
    const sundayMidnight = claimed(fresh, at("2026-03-08T05:00:00Z"), newYork);
    expect(sundayMidnight.nextClaimAtMs - at("2026-03-08T05:00:00Z")).toBe(23 * 3_600_000);
    expect(claimed(after(sundayMidnight), sundayMidnight.nextClaimAtMs, newYork)).toMatchObject({ day: "2026-03-09", current: 2 });
  });

  it("continues across New York's 25-hour day (2026-11-01) with claims at 23:30 local", () => {
    const saturday = claimed(fresh, at("2026-11-01T03:30:00Z"), newYork); // 31 Oct 23:30 EDT
    expect(saturday).toMatchObject({ day: "2026-10-31", nextClaimAtMs: at("2026-11-01T04:00:00Z") });
    const sunday = claimed(after(saturday), at("2026-11-02T04:30:00Z"), newYork); // 1 Nov 23:30 EST, 25 h later
    expect(sunday).toMatchObject({ day: "2026-11-01", current: 2, nextClaimAtMs: at("2026-11-02T05:00:00Z") });
  });

  it("refuses a second claim 24 hours later on the 25-hour day, which is still the same local day", () => {
    const early = claimed(fresh, at("2026-11-01T04:30:00Z"), newYork); // 1 Nov 00:30 EDT
    const decision = decideStreakClaim(after(early), at("2026-11-02T04:30:00Z"), newYork, rules); // 1 Nov 23:30 EST
    expect(decision).toMatchObject({ ok: false, code: "streak_already_claimed", nextClaimAtMs: at("2026-11-02T05:00:00Z") });
  });

  it("continues across Berlin's 23-hour day (2026-03-29) with claims at 23:30 local", () => {
    const saturday = claimed(fresh, at("2026-03-28T22:30:00Z"), "Europe/Berlin"); // 28 Mar 23:30 CET
    expect(saturday).toMatchObject({ day: "2026-03-28", nextClaimAtMs: at("2026-03-28T23:00:00Z") });
    const sunday = claimed(after(saturday), at("2026-03-29T21:30:00Z"), "Europe/Berlin"); // 29 Mar 23:30 CEST
    expect(sunday).toMatchObject({ day: "2026-03-29", current: 2, nextClaimAtMs: at("2026-03-29T22:00:00Z") });
  });
});

describe("startOfLocalDay", () => {
  it("finds the start of a day whose midnight daylight saving skips (Santiago, 2026-09-06)", () => {
    const start = startOfLocalDay("2026-09-06", "America/Santiago");
    expect(localDay(start, "America/Santiago")).toBe("2026-09-06");
    expect(localDay(start - 1, "America/Santiago")).toBe("2026-09-05");
  });

  it("takes the first of two midnights where the clocks go back from 01:00 (Gaza, 2021-10-29)", () => {
    expect(startOfLocalDay("2021-10-29", "Asia/Gaza")).toBe(at("2021-10-28T21:00:00Z"));
    expect(startOfNextLocalDay(at("2021-10-28T12:00:00Z"), "Asia/Gaza")).toBe(at("2021-10-28T21:00:00Z"));
  });
});

describe("streakWarningTimes", () => {
  it("puts a 5-day streak at risk at 20:00 local on the day after the last claim, in summer time", () => {
    const times = streakWarningTimes({ lastClaimDay: "2026-03-07", current: 5, lastActivityAtMs: at("2026-03-08T04:30:00Z") }, newYork, warnings);
    expect(times).toEqual({ atRiskAtMs: at("2026-03-09T00:00:00Z"), inactiveAtMs: at("2026-03-10T04:30:00Z") });
  });

  it("puts a streak at risk at 20:00 local after the clocks go back", () => {
    const times = streakWarningTimes({ lastClaimDay: "2026-10-31", current: 3, lastActivityAtMs: null }, newYork, warnings);
    expect(times).toEqual({ atRiskAtMs: at("2026-11-02T01:00:00Z"), inactiveAtMs: null });
    const berlin = streakWarningTimes({ lastClaimDay: "2026-03-28", current: 3, lastActivityAtMs: null }, "Europe/Berlin", warnings);
    expect(berlin.atRiskAtMs).toBe(at("2026-03-29T18:00:00Z"));
  });

  it("does not warn about a streak shorter than 3 days or never started", () => {
    expect(streakWarningTimes({ lastClaimDay: "2026-05-03", current: 2, lastActivityAtMs: null }, newYork, warnings).atRiskAtMs).toBeNull();
    expect(streakWarningTimes({ lastClaimDay: null, current: 0, lastActivityAtMs: null }, newYork, warnings).atRiskAtMs).toBeNull();
  });
});

describe("daily streak in any time zone (property)", () => {
  const zones = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Santiago",
    "Asia/Gaza",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
  ];
  const instant = fc.integer({ min: at("2020-01-01T00:00:00Z"), max: at("2035-12-31T00:00:00Z") });
  const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  // A random instant inside local day `day`.
  const instantIn = (day: string, timeZone: string, position: number) => {
    const start = startOfLocalDay(day, timeZone);
    return start + Math.floor(position * (startOfLocalDay(dayAfter(day), timeZone) - start));
  };

  it("continues on local day D+1, restarts on D+2, and always reopens at the next local midnight", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, fraction, fraction, (timeZone, first, nextPosition, laterPosition) => {
        const claim = claimed({ lastClaimDay: null, current: 4, longest: 9 }, first, timeZone);
        const day = localDay(first, timeZone);
        expect(claim.day).toBe(day);
        expect(localDay(claim.nextClaimAtMs, timeZone)).toBe(dayAfter(day));
        expect(localDay(claim.nextClaimAtMs - 1, timeZone)).toBe(day);

        const nextDay = instantIn(dayAfter(day), timeZone, nextPosition);
        expect(localDay(nextDay, timeZone)).toBe(dayAfter(day));
        expect(claimed(after(claim), nextDay, timeZone)).toMatchObject({ current: 2, longest: 9 });

        const dayAfterNext = instantIn(dayAfter(day, 2), timeZone, laterPosition);
        expect(localDay(dayAfterNext, timeZone)).toBe(dayAfter(day, 2));
        expect(claimed(after(claim), dayAfterNext, timeZone)).toMatchObject({ current: 1, longest: 9 });

        expect(decideStreakClaim(after(claim), claim.nextClaimAtMs - 1, timeZone, rules)).toMatchObject({ ok: false, code: "streak_already_claimed" });
      }),
      { numRuns: 300 },
    );
  });
});
