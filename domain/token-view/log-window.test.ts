import { describe, expect, it } from "vitest";
import { confirmedHead, findCommonAncestor, nextRange } from "./log-window";

describe("the watcher's reading window", () => {
  it("reads up to the newest block with enough confirmations (the head itself with one)", () => {
    expect(confirmedHead(100, 1)).toBe(100);
    expect(confirmedHead(100, 12)).toBe(89);
  });

  it("starts after the cursor, reads a bounded range, and stops when caught up", () => {
    expect(nextRange(null, 10, 2_000)).toEqual({ fromBlock: 0, toBlock: 10 });
    expect(nextRange(10, 5_000, 2_000)).toEqual({ fromBlock: 11, toBlock: 2_010 });
    expect(nextRange(10, 10, 2_000)).toBeNull();
  });

  it("rewinds to the newest stored block the chain still has", () => {
    const stored = [
      { number: 12, hash: "0xc" },
      { number: 11, hash: "0xb" },
      { number: 9, hash: "0xa" },
    ];
    const finding = findCommonAncestor(stored, new Map([[12, null], [11, "0xB2"], [9, "0xa"]]));
    expect(finding).toEqual({
      kind: "common_ancestor",
      ancestor: { number: 9, hash: "0xa" },
      orphaned: [
        { number: 12, oldHash: "0xc", newHash: null },
        { number: 11, oldHash: "0xb", newHash: "0xB2" },
      ],
    });
  });

  it("says a reorg is deeper than the stored window when no stored block survived", () => {
    const finding = findCommonAncestor([{ number: 3, hash: "0xa" }], new Map([[3, "0xz"]]));
    expect(finding.kind).toBe("deeper_than_window");
  });
});
