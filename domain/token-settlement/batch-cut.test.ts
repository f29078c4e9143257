import { describe, expect, it } from "vitest";
import { batchRecipientsMax, cutBatch, cutReason, recipientsMaxFor, settlementGasLimit, transactionGasCap } from "./batch-cut";

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const intent = (n: number, to: number, amount: string) => ({ intentId: `m${n}:1`, address: address(to), tokenAmount: amount, queuedAtMs: n });

describe("cutting a settlement batch", () => {
  it("pays each address its net amount once, whatever the number of its intents", () => {
    const cut = cutBatch([intent(1, 7, "10"), intent(2, 8, "5"), { ...intent(3, 7, "15"), address: address(7).toUpperCase().replace("0X", "0x") }], 500);
    expect(cut.recipients).toEqual([
      { address: address(7), amount: 25n, intentIds: ["m1:1", "m3:1"] },
      { address: address(8), amount: 5n, intentIds: ["m2:1"] },
    ]);
    expect(cut.totalAmount).toBe(30n);
  });

  it("stops at the recipient bound, leaving newer addresses for the next batch", () => {
    const queued = Array.from({ length: 600 }, (_, n) => intent(n, n + 1, "1"));
    const cut = cutBatch(queued, batchRecipientsMax);
    expect(cut.recipients).toHaveLength(500);
    expect(cut.intentIds).not.toContain("m599:1");
  });

  it("still takes a later intent for an address already in the full batch", () => {
    const cut = cutBatch([intent(1, 1, "1"), intent(2, 2, "1"), intent(3, 1, "4")], 1);
    expect(cut.recipients).toEqual([{ address: address(1), amount: 5n, intentIds: ["m1:1", "m3:1"] }]);
  });

  it("holds 500 recipients under a 30M block, and fewer when the block's gas limit is lower", () => {
    expect(recipientsMaxFor(30_000_000)).toBe(500);
    expect(recipientsMaxFor(5_000_000)).toBeLessThan(170);
    expect(settlementGasLimit(500, 30_000_000)).toBeLessThanOrEqual(transactionGasCap);
  });

  it("cuts on size, on the oldest intent's age, or when the cron asks, and never an empty batch", () => {
    const limits = { recipientsThreshold: 100, waitMaxMs: 300_000 };
    expect(cutReason({ recipients: 100, oldestQueuedAtMs: 0 }, 1, limits, false)).toBe("size");
    expect(cutReason({ recipients: 3, oldestQueuedAtMs: 0 }, 300_000, limits, false)).toBe("age");
    expect(cutReason({ recipients: 3, oldestQueuedAtMs: 0 }, 1, limits, true)).toBe("cron");
    expect(cutReason({ recipients: 3, oldestQueuedAtMs: 0 }, 1, limits, false)).toBeNull();
    expect(cutReason({ recipients: 0, oldestQueuedAtMs: null }, 1, limits, true)).toBeNull();
  });
});
