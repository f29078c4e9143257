import type { TokenTransfer } from "./holdings";

/**
 * Which blocks the watcher may read next. A block with N confirmations is head − N + 1, so the newest
 * block the watcher reads is that one; everything above it may still be reorganised away.
 */
export type BlockRef = { number: number; hash: string };

export type ReadRange = { fromBlock: number; toBlock: number };

/** The newest block with at least `confirmations` confirmations (−1 when the chain is not that long yet). */
export function confirmedHead(head: number, confirmations: number): number {
  return head - Math.max(1, confirmations) + 1;
}

/** The next range after the cursor (the last block read), at most `rangeBlocksMax` blocks; null when caught up. */
export function nextRange(cursor: number | null, confirmedHeadBlock: number, rangeBlocksMax: number, startBlock = 0): ReadRange | null {
  // With no cursor yet, reading starts at the token's deployment block: no transfer of it is older.
  const fromBlock = cursor === null ? startBlock : cursor + 1;
  if (fromBlock > confirmedHeadBlock) return null;
  return { fromBlock, toBlock: Math.min(confirmedHeadBlock, fromBlock + rangeBlocksMax - 1) };
}

export type ReorgFinding =
  | { kind: "common_ancestor"; ancestor: BlockRef; orphaned: { number: number; oldHash: string; newHash: string | null }[] }
  | { kind: "deeper_than_window"; orphaned: { number: number; oldHash: string; newHash: string | null }[] };

/**
 * Where a reorg forked from: walking the stored blocks newest first, the first whose hash the chain
 * still has is the common ancestor (a block hash commits to all its ancestors, so every older stored
 * block is still canonical). `chainHashes` holds the chain's hash at each stored number, null where the
 * chain is now shorter. No stored block left means the reorg is deeper than the window kept.
 */
export function findCommonAncestor(storedNewestFirst: readonly BlockRef[], chainHashes: ReadonlyMap<number, string | null>): ReorgFinding {
  const orphaned: { number: number; oldHash: string; newHash: string | null }[] = [];
  for (const block of storedNewestFirst) {
    const newHash = chainHashes.get(block.number) ?? null;
    if (newHash === block.hash) return { kind: "common_ancestor", ancestor: block, orphaned };
    orphaned.push({ number: block.number, oldHash: block.hash, newHash });
  }
  return { kind: "deeper_than_window", orphaned };
}

/**
 * Whether logs read for a range belong to the chain whose last block is `last`: each log's block lies in
 * the range, and a log in the last block carries that block's hash (a reorg while the logs were read shows here).
 */
export function logsMatchRange(transfers: readonly TokenTransfer[], fromBlock: number, last: BlockRef): boolean {
  return transfers.every((transfer) => transfer.blockNumber >= fromBlock && transfer.blockNumber <= last.number && (transfer.blockNumber !== last.number || transfer.blockHash === last.hash));
}

/** The blocks the logs came from, with their hashes: the reorg detector remembers them. */
export function blocksOf(transfers: readonly TokenTransfer[]): BlockRef[] {
  const blocks = new Map<number, string>();
  for (const transfer of transfers) blocks.set(transfer.blockNumber, transfer.blockHash);
  return [...blocks].map(([number, hash]) => ({ number, hash }));
}
