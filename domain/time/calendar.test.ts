import { describe, expect, it } from "vitest";
import { dayIn, isBirthdayMonth, monthsAfter, yearMonthIn } from "./calendar";

describe("calendar", () => {
  it("reads the year, month and weekday in the given time zone, not UTC", () => {
    const newYearInTokyo = new Date("2026-12-31T16:30:00Z");
    expect(yearMonthIn("Asia/Tokyo", newYearInTokyo)).toEqual({ year: 2027, month: 1 });
    expect(yearMonthIn("America/New_York", newYearInTokyo)).toEqual({ year: 2026, month: 12 });
    expect(dayIn("Asia/Tokyo", newYearInTokyo)).toEqual({ date: "2027-01-01", weekday: 5 });
  });

  it("knows a birthday month in the member's zone", () => {
    expect(isBirthdayMonth("01-15", "Asia/Tokyo", new Date("2026-12-31T16:30:00Z"))).toBe(true);
    expect(isBirthdayMonth("01-15", "UTC", new Date("2026-12-31T16:30:00Z"))).toBe(false);
    expect(isBirthdayMonth(null, "UTC", new Date())).toBe(false);
  });

  it("adds months clamped to the end of a shorter month", () => {
    expect(monthsAfter(new Date("2026-01-31T12:00:00Z"), 1).toISOString()).toBe("2026-02-28T12:00:00.000Z");
  });
});
