import { describe, expect, it } from "vitest";
import { approximateTokens, pointsToUnits, tokensToUnits, unitsToTokens, wholeTokens } from "./token-units";

describe("token units", () => {
  it("reads whole tokens written as numbers or decimal strings in base units", () => {
    expect(tokensToUnits(1)).toBe(10n ** 18n);
    expect(tokensToUnits("12.5")).toBe(125n * 10n ** 17n);
    expect(tokensToUnits("0.000000000000000001")).toBe(1n);
  });

  it("refuses amounts that are not plain decimals", () => {
    expect([tokensToUnits("1e3"), tokensToUnits("-1"), tokensToUnits("0.0000000000000000001"), tokensToUnits(Number.NaN), tokensToUnits("01")]).toEqual([null, null, null, null, null]);
  });

  it("writes base units as whole tokens without trailing zeros", () => {
    expect([unitsToTokens(0n), unitsToTokens(10n ** 18n), unitsToTokens(125n * 10n ** 17n), unitsToTokens(1n)]).toEqual(["0", "1", "12.5", "0.000000000000000001"]);
  });

  it("pays points at the program's rate in integer maths, past 2^53", () => {
    expect(pointsToUnits(5_000, "10000000000000000")).toBe(50n * 10n ** 18n);
    expect(pointsToUnits(100_000_000, "1000000000000000000").toString()).toBe("100000000000000000000000000");
  });

  it("shows base units as whole tokens with at most six decimals", () => {
    expect(wholeTokens(1_500_000_000_000_000_000n)).toBe("1.5");
    expect(wholeTokens(0n)).toBe("0");
    expect(wholeTokens(1n)).toBe("0");
    expect(wholeTokens(123_456_789_000_000_000_000n)).toBe("123.456789");
  });

  it("gives an approximate float for analytics sums", () => {
    expect(approximateTokens(2_500_000_000_000_000_000n)).toBe(2.5);
  });
});
