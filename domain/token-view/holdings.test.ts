import { describe, expect, it } from "vitest";
import { type TokenTransfer, addressesMoved, emptyHolding, holdRatio, holdingAfter, zeroAddress } from "./holdings";

const alice = "0x00000000000000000000000000000000000A11cE";
const bob = "0x0000000000000000000000000000000000000B0b";
const transfer = (from: string, to: string, value: bigint): TokenTransfer => ({ blockNumber: 7, blockHash: "0xb7", logIndex: 0, txHash: "0xt", from, to, value });

describe("a holding", () => {
  it("counts a mint (a settlement) as received and held", () => {
    expect(holdingAfter(emptyHolding(), alice, transfer(zeroAddress, alice, 5n), 1)).toEqual({ balance: 5n, received: 5n, sent: 0n, transfers: 1 });
  });

  it("moves a transfer out of the sender and into the receiver", () => {
    const sent = transfer(alice, bob, 2n);
    expect(holdingAfter({ balance: 5n, received: 5n, sent: 0n, transfers: 1 }, alice, sent, 1)).toEqual({ balance: 3n, received: 5n, sent: 2n, transfers: 2 });
    expect(holdingAfter(emptyHolding(), bob, sent, 1)).toEqual({ balance: 2n, received: 2n, sent: 0n, transfers: 1 });
  });

  it("comes back to what it was when an orphaned transfer is reversed", () => {
    const before = { balance: 5n, received: 9n, sent: 4n, transfers: 3 };
    const moved = transfer(alice, bob, 2n);
    expect(holdingAfter(holdingAfter(before, alice, moved, 1), alice, moved, -1)).toEqual(before);
  });

  it("keeps the balance of a wallet that sends to itself", () => {
    expect(holdingAfter({ balance: 5n, received: 5n, sent: 0n, transfers: 1 }, alice, transfer(alice, alice, 2n), 1)).toEqual({ balance: 5n, received: 7n, sent: 2n, transfers: 2 });
  });

  it("never tracks the zero address, and a self-transfer moves one address", () => {
    expect(addressesMoved(transfer(zeroAddress, alice, 1n))).toEqual([alice]);
    expect(addressesMoved(transfer(alice, alice, 1n))).toEqual([alice]);
    expect(addressesMoved(transfer(alice, bob, 1n))).toEqual([alice, bob]);
  });

  it("gives the hold-versus-sell ratio as held over received, none before anything was received", () => {
    expect(holdRatio(30, 40)).toBe(0.75);
    expect(holdRatio(0, 0)).toBeNull();
  });
});
