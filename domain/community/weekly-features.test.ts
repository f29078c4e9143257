import { describe, expect, it } from "vitest";
import { activeFeatures, isoWeek, localDay, weeklyMultiplier } from "./weekly-features";

const at = (iso: string) => Date.parse(iso);
const seedMultipliers = [1, 1.5, 2, 3];
const idle = { amaCount: 0, chatDays: 0, eventCount: 0, streakDays: 0 };

describe("localDay", () => {
  it("is the member's calendar day, not UTC's", () => {
    // Sunday 23:30 in Los Angeles (PDT, UTC-7) is already Monday in UTC.
    expect(localDay(at("2026-03-16T06:30:00Z"), "America/Los_Angeles")).toBe("2026-03-15");
    expect(localDay(at("2026-03-16T06:30:00Z"), "UTC")).toBe("2026-03-16");
    expect(localDay(at("2026-03-15T18:45:00Z"), "Asia/Kathmandu")).toBe("2026-03-16");
  });
});

describe("isoWeek", () => {
  it("puts New Year's Eve 2026 and New Year's Day 2027 in week 53 of ISO year 2026", () => {
    expect(isoWeek(at("2026-12-31T12:00:00Z"), "UTC")).toBe("2026-W53");
    expect(isoWeek(at("2027-01-01T12:00:00Z"), "UTC")).toBe("2026-W53");
    expect(isoWeek(at("2027-01-04T12:00:00Z"), "UTC")).toBe("2027-W01");
  });

  it("puts the last days of December 2024 in week 1 of ISO year 2025", () => {
    expect(isoWeek(at("2024-12-30T12:00:00Z"), "UTC")).toBe("2025-W01");
    expect(isoWeek(at("2024-12-29T12:00:00Z"), "UTC")).toBe("2024-W52");
  });

  it("keeps a Sunday 23:30 in Los Angeles in that week although it is Monday in UTC", () => {
    const sundayNight = at("2026-03-16T06:30:00Z");
    expect(isoWeek(sundayNight, "America/Los_Angeles")).toBe("2026-W11");
    expect(isoWeek(sundayNight, "UTC")).toBe("2026-W12");
  });

  it("keeps Sunday 3 January 2027, 23:30 in Los Angeles, in 2026-W53 while UTC has reached 2027-W01", () => {
    const sundayNight = at("2027-01-04T07:30:00Z");
    expect(isoWeek(sundayNight, "America/Los_Angeles")).toBe("2026-W53");
    expect(isoWeek(sundayNight, "UTC")).toBe("2027-W01");
  });

  it("starts the week at local Monday midnight in a zone ahead of UTC", () => {
    expect(isoWeek(at("2026-03-15T22:59:59Z"), "Europe/Berlin")).toBe("2026-W11");
    expect(isoWeek(at("2026-03-15T23:00:00Z"), "Europe/Berlin")).toBe("2026-W12");
  });
});

describe("activeFeatures", () => {
  it("counts nothing for a member who did nothing this week", () => {
    expect(activeFeatures(idle)).toEqual([]);
  });

  it("needs one AMA, three chat days, one event and a 7-day streak", () => {
    expect(activeFeatures({ amaCount: 1, chatDays: 3, eventCount: 1, streakDays: 7 })).toEqual(["voice", "chat", "events", "streak"]);
    expect(activeFeatures({ amaCount: 0, chatDays: 2, eventCount: 0, streakDays: 6 })).toEqual([]);
  });

  it("counts each feature on its own", () => {
    expect(activeFeatures({ ...idle, chatDays: 5 })).toEqual(["chat"]);
    expect(activeFeatures({ ...idle, streakDays: 12, eventCount: 2 })).toEqual(["events", "streak"]);
  });
});

describe("weeklyMultiplier", () => {
  it("multiplies by 1, 1.5, 2 and 3 for one to four features", () => {
    expect([1, 2, 3, 4].map((count) => weeklyMultiplier(count, seedMultipliers))).toEqual([1, 1.5, 2, 3]);
  });

  it("gives the base 1× with no feature at all", () => {
    expect(weeklyMultiplier(0, seedMultipliers)).toBe(1);
  });

  it("takes the last multiplier for more features than the program lists", () => {
    expect(weeklyMultiplier(4, [1, 2])).toBe(2);
    expect(weeklyMultiplier(7, seedMultipliers)).toBe(3);
  });

  it("turns four features into 3× end to end", () => {
    const features = activeFeatures({ amaCount: 2, chatDays: 4, eventCount: 1, streakDays: 9 });
    expect(weeklyMultiplier(features.length, seedMultipliers)).toBe(3);
  });
});
