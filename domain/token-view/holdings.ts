/** The zero address: a transfer from it is a mint (a settlement pays out), a transfer to it is a burn. */
export const zeroAddress = "0x0000000000000000000000000000000000000000";

/** What one address holds of the token and has moved, in base units (uint256: bigint, never a JS number). */
export type Holding = { balance: bigint; received: bigint; sent: bigint; transfers: number };

/** One `Transfer(from, to, value)` log of the token, as the chain reported it (addresses checksummed). */
export type TokenTransfer = { blockNumber: number; blockHash: string; logIndex: number; txHash: string; from: string; to: string; value: bigint };

export const emptyHolding = (): Holding => ({ balance: 0n, received: 0n, sent: 0n, transfers: 0 });

/** The addresses a transfer changes: both sides but the zero address (mints and burns move one side). */
export function addressesMoved(transfer: TokenTransfer): string[] {
  const sides = [transfer.from, transfer.to].filter((address) => address !== zeroAddress);
  return [...new Set(sides)];
}

/**
 * An address's holding after a transfer is applied (`direction` 1) or reversed because its block was
 * orphaned by a reorg (`direction` -1). A self-transfer counts as both received and sent and leaves the
 * balance alone. Reversing exactly what was applied returns the holding it had, so a re-read after a
 * reorg never double counts.
 */
export function holdingAfter(holding: Holding, address: string, transfer: TokenTransfer, direction: 1 | -1): Holding {
  const sign = BigInt(direction);
  const received = transfer.to === address ? transfer.value * sign : 0n;
  const sent = transfer.from === address ? transfer.value * sign : 0n;
  return {
    balance: holding.balance + received - sent,
    received: holding.received + received,
    sent: holding.sent + sent,
    transfers: holding.transfers + direction,
  };
}

/** The share of what was received that is still held (1 = sold nothing); null before anything was received. */
export function holdRatio(held: number, received: number): number | null {
  if (received <= 0) return null;
  return Math.min(1, Math.max(0, held / received));
}
