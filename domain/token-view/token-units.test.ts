import { describe, expect, it } from "vitest";
import { approximateTokens, wholeTokens } from "./token-units";

describe("token amounts for people", () => {
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
