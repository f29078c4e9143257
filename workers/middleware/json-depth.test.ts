import { describe, expect, it } from "vitest";
import { jsonDepthMax, nestsDeeperThan } from "./json-depth";

const nested = (levels: number, inner = "1") => `${'{"a":'.repeat(levels)}${inner}${"}".repeat(levels)}`;

describe("JSON nesting depth, read from the raw text", () => {
  it("counts arrays and objects alike, up to the limit and one past it", () => {
    expect(nestsDeeperThan(nested(jsonDepthMax), jsonDepthMax)).toBe(false);
    expect(nestsDeeperThan(nested(jsonDepthMax + 1), jsonDepthMax)).toBe(true);
    expect(nestsDeeperThan(`${"[".repeat(3)}${"]".repeat(3)}`, 2)).toBe(true);
    expect(nestsDeeperThan('[{"a":[1]}, {"b":[2]}, [3]]', 3)).toBe(false);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan(JSON.stringify({ note: "[".repeat(500) }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ note: `say \\"${"{".repeat(50)}\\"` }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ note: 'a "quoted" [[[ word' }), 2)).toBe(false);
    expect(nestsDeeperThan(`{"note":"\\\\"${",[[[]]]".repeat(1)}}`, 2)).toBe(true);
  });

  it("answers for 2,000 levels without recursion", () => {
    expect(nestsDeeperThan(nested(2000), jsonDepthMax)).toBe(true);
    expect(nestsDeeperThan("[".repeat(1_000_000), jsonDepthMax)).toBe(true);
  });
});
