import { describe, expect, it } from "vitest";
import { mintDifferences, reconcileMember, splitMinted } from "./reconciliation";

describe("reconciling ledger and chain", () => {
  it("finds no difference when final settlements plus unsettled reservations equal the ledger", () => {
    const settler = [{ intentId: "m:1", tokenAmount: 10n, finalSettlementId: 3, mintedOnChain: 10n }];
    const ledger = { reservedTokenAmount: 5n, settledTokenAmount: 10n, reserved: [{ intentId: "m:2", tokenAmount: 5n }] };
    expect(reconcileMember("m", settler, ledger)).toBeNull();
  });

  it("counts a final intent whose confirmation has not reached the member once, on the chain side", () => {
    const settler = [{ intentId: "m:1", tokenAmount: 10n, finalSettlementId: 3, mintedOnChain: 10n }];
    const ledger = { reservedTokenAmount: 10n, settledTokenAmount: 0n, reserved: [{ intentId: "m:1", tokenAmount: 10n }] };
    expect(reconcileMember("m", settler, ledger)).toBeNull();
  });

  it("reports the member, both figures and the settlement ids when the chain minted less than the ledger settled", () => {
    const settler = [{ intentId: "m:1", tokenAmount: 10n, finalSettlementId: 4, mintedOnChain: 7n }];
    const ledger = { reservedTokenAmount: 0n, settledTokenAmount: 10n, reserved: [] };
    expect(reconcileMember("m", settler, ledger)).toEqual({ memberId: "m", chainPlusUnsettled: 7n, ledger: 10n, onChain: 7n, unsettled: 0n, settlementIds: [4] });
  });

  it("names every address whose minted amount differs from the batch's", () => {
    const expected = new Map([["0xAA", 5n], ["0xbb", 3n]]);
    const minted = new Map([["0xaa", 5n], ["0xcc", 1n]]);
    expect(mintDifferences(expected, minted)).toEqual([
      { address: "0xbb", expected: 3n, minted: 0n },
      { address: "0xcc", expected: 0n, minted: 1n },
    ]);
  });

  it("splits an address's mint over its intents oldest first", () => {
    expect(splitMinted(12n, [{ intentId: "a", tokenAmount: 10n }, { intentId: "b", tokenAmount: 5n }])).toEqual(new Map([["a", 10n], ["b", 2n]]));
  });
});
