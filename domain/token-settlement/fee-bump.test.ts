import { describe, expect, it } from "vitest";
import { bumpedFees, startingFees } from "./fee-bump";

describe("the fee bump of a same-nonce replacement", () => {
  it("raises both fee caps by 12.5 %, rounded up, clearing the nodes' 10 % bar", () => {
    expect(bumpedFees({ maxFeePerGas: 1_000n, maxPriorityFeePerGas: 101n }, 10_000n)).toEqual({ maxFeePerGas: 1_125n, maxPriorityFeePerGas: 114n });
  });

  it("raises a fee of a few wei by at least one wei", () => {
    expect(bumpedFees({ maxFeePerGas: 1n, maxPriorityFeePerGas: 0n }, 10n)).toEqual({ maxFeePerGas: 2n, maxPriorityFeePerGas: 1n });
  });

  it("refuses to pass the operator's fee ceiling", () => {
    expect(bumpedFees({ maxFeePerGas: 1_000n, maxPriorityFeePerGas: 1n }, 1_100n)).toEqual({ rejected: "fee_ceiling_reached" });
  });

  it("starts from the node's suggestion, capped by the ceiling", () => {
    expect(startingFees({ maxFeePerGas: 50n, maxPriorityFeePerGas: 40n }, 30n)).toEqual({ maxFeePerGas: 30n, maxPriorityFeePerGas: 30n });
  });
});
