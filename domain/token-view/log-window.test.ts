import { describe, expect, it } from "vitest";
import type { TokenTransfer } from "./holdings";
import { blocksOf, confirmedHead, findCommonAncestor, logsMatchRange, nextRange } from "./log-window";

describe("the watcher's reading window", () => {
  it("reads up to the newest block with enough confirmations (the head itself with one)", () => {
    expect(confirmedHead(100, 1)).toBe(100);
    expect(confirmedHead(100, 12)).toBe(89);
  });

  it("starts after the cursor, reads a bounded range, and stops when caught up", () => {
    expect(nextRange(null, 10, 2_000)).toEqual({ fromBlock: 0, toBlock: 10 });
    expect(nextRange(10, 5_000, 2_000)).toEqual({ fromBlock: 11, toBlock: 2_010 });
    expect(nextRange(10, 10, 2_000)).toBeNull();
    expect(nextRange(null, 25_000_000, 2_000, 24_990_000)).toEqual({ fromBlock: 24_990_000, toBlock: 24_991_999 });
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

  const log = (blockNumber: number, blockHash: string, logIndex = 0): TokenTransfer => ({ blockNumber, blockHash, logIndex, txHash: "0xt", from: "0xa", to: "0xb", value: 1n });

  it("accepts logs only from the range, and in its last block only under that block's hash", () => {
    expect(logsMatchRange([log(5, "0x5"), log(6, "0x6")], 5, { number: 6, hash: "0x6" })).toBe(true);
    expect(logsMatchRange([log(6, "0xother")], 5, { number: 6, hash: "0x6" })).toBe(false);
    expect(logsMatchRange([log(7, "0x7")], 5, { number: 6, hash: "0x6" })).toBe(false);
  });

  it("remembers each block the logs came from once", () => {
    expect(blocksOf([log(5, "0x5"), log(5, "0x5", 1), log(6, "0x6")])).toEqual([
      { number: 5, hash: "0x5" },
      { number: 6, hash: "0x6" },
    ]);
  });
});
