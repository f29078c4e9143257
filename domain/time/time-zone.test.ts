import { describe, expect, it } from "vitest";
import { isValidBirthday, isValidTimeZone } from "./time-zone";

describe("isValidTimeZone", () => {
  it("accepts IANA names and refuses made-up ones", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});

describe("isValidBirthday", () => {
  it("accepts MM-DD dates that exist in some year, including 02-29", () => {
    expect(isValidBirthday("07-14")).toBe(true);
    expect(isValidBirthday("02-29")).toBe(true);
  });

  it("refuses impossible dates and other formats", () => {
    expect(isValidBirthday("02-30")).toBe(false);
    expect(isValidBirthday("13-01")).toBe(false);
    expect(isValidBirthday("1990-07-14")).toBe(false);
    expect(isValidBirthday("7-14")).toBe(false);
  });
});
