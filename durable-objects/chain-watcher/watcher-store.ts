import { type Holding, type TokenTransfer, addressesMoved, emptyHolding, holdingAfter } from "../../domain/token-view/holdings";
import type { BlockRef } from "../../domain/token-view/log-window";
import type { OrphanedBlock, ReorgReport } from "./watcher-rpc";

/** How many processed blocks' hashes are kept: a reorg deeper than this needs an operator. */
export const blocksKeptMax = 128;
/** How many reorg reports are kept (the oldest go first). */
const reportsKeptMax = 200;

type HoldingRow = { address: string; balance: string; received: string; sent: string; transfers: number; as_of_block: number; version: number };
type TransferRow = { block_hash: string; log_index: number; block_number: number; tx_hash: string; from_address: string; to_address: string; value: string };
type ReportRow = {
  id: number;
  detected_at_ms: number;
  kind: ReorgReport["kind"];
  depth: number;
  ancestor_block: number | null;
  first_block: number;
  last_block: number;
  blocks: string;
  transfers_reversed: number;
  resolved_at_ms: number | null;
};

/** An address's figures as D1 should hold them, with the version they were read at. */
export type PublishableHolding = Holding & { address: string; asOfBlock: number; version: number };

/** The watcher's storage, synchronous: each method that writes is called inside one `transactionSync`. */
export class WatcherStore {
  constructor(private readonly sql: SqlStorage) {}

  cursor(): BlockRef | null {
    return this.sql.exec<BlockRef>("SELECT number, hash FROM cursor WHERE id = 1").toArray()[0] ?? null;
  }

  /** The stored block hashes, newest first: where a reorg's common ancestor is looked for. */
  storedBlocks(): BlockRef[] {
    return this.sql.exec<BlockRef>("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT ?", blocksKeptMax).toArray();
  }

  /**
   * Records a range read: its transfers (each applied once, by block hash and log index), the hashes
   * of the blocks it saw, and the cursor at its last block. Answers how many transfers were new.
   */
  recordRange(lastBlock: BlockRef, seenBlocks: readonly BlockRef[], transfers: readonly TokenTransfer[]): number {
    let applied = 0;
    for (const transfer of transfers) {
      const inserted = this.sql.exec(
        "INSERT INTO transfers (block_hash, log_index, block_number, tx_hash, from_address, to_address, value) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        transfer.blockHash,
        transfer.logIndex,
        transfer.blockNumber,
        transfer.txHash,
        transfer.from,
        transfer.to,
        transfer.value.toString(),
      ).rowsWritten;
      if (inserted === 0) continue;
      this.applyToHoldings(transfer, 1);
      applied++;
    }
    for (const block of [...seenBlocks, lastBlock]) this.sql.exec("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)", block.number, block.hash);
    this.sql.exec("INSERT OR REPLACE INTO cursor (id, number, hash) VALUES (1, ?, ?)", lastBlock.number, lastBlock.hash);
    this.forgetOldBlocks();
    return applied;
  }

  /**
   * Repairs a reorg: reverses every transfer read above the common ancestor, forgets those blocks and
   * sets the cursor back to the ancestor, so the next read takes the new chain's blocks. One report.
   */
  rewind(ancestor: BlockRef, orphaned: readonly OrphanedBlock[], detectedAtMs: number): ReorgReport {
    const cursor = this.cursor();
    const orphans = this.sql.exec<TransferRow>("SELECT * FROM transfers WHERE block_number > ? ORDER BY block_number DESC, log_index DESC", ancestor.number).toArray();
    for (const row of orphans) this.applyToHoldings(transferOf(row), -1);
    this.sql.exec("DELETE FROM transfers WHERE block_number > ?", ancestor.number);
    this.sql.exec("DELETE FROM blocks WHERE number > ?", ancestor.number);
    this.sql.exec("INSERT OR REPLACE INTO cursor (id, number, hash) VALUES (1, ?, ?)", ancestor.number, ancestor.hash);
    const lastBlock = cursor?.number ?? ancestor.number;
    return this.report({ detectedAtMs, kind: "repaired", depth: lastBlock - ancestor.number, ancestorBlock: ancestor.number, firstBlock: ancestor.number + 1, lastBlock, blocks: [...orphaned], transfersReversed: orphans.length });
  }

  /** Records a reorg that left no stored block standing; nothing is changed, an operator must act. */
  reportTooDeep(orphaned: readonly OrphanedBlock[], detectedAtMs: number): ReorgReport {
    const numbers = orphaned.map((block) => block.number);
    const firstBlock = Math.min(...numbers);
    const lastBlock = Math.max(...numbers);
    return this.report({ detectedAtMs, kind: "deeper_than_window", depth: lastBlock - firstBlock + 1, ancestorBlock: null, firstBlock, lastBlock, blocks: [...orphaned], transfersReversed: 0 });
  }

  /** The newest unresolved too-deep report, if the watcher is stopped on one. */
  blockingReport(): ReorgReport | null {
    const row = this.sql.exec<ReportRow>("SELECT * FROM reorg_reports WHERE kind = 'deeper_than_window' AND resolved_at_ms IS NULL ORDER BY id DESC LIMIT 1").toArray()[0];
    return row ? reportOf(row) : null;
  }

  /**
   * An operator's way out of a too-deep reorg: every address's figures go to zero (published as such),
   * every transfer, block hash and the cursor are forgotten, and the reports are marked resolved. The
   * next poll reads the whole chain again from block 0. Answers how many addresses were reset.
   */
  resetForRebuild(nowMs: number): number {
    const reset = this.sql.exec("UPDATE holdings SET balance = '0', received = '0', sent = '0', transfers = 0, as_of_block = 0, version = version + 1").rowsWritten;
    this.sql.exec("INSERT OR REPLACE INTO unpublished (address, version) SELECT address, version FROM holdings");
    this.sql.exec("DELETE FROM transfers");
    this.sql.exec("DELETE FROM blocks");
    this.sql.exec("DELETE FROM cursor");
    this.sql.exec("UPDATE reorg_reports SET resolved_at_ms = ? WHERE kind = 'deeper_than_window' AND resolved_at_ms IS NULL", nowMs);
    return reset;
  }

  reports(limit: number): ReorgReport[] {
    return this.sql.exec<ReportRow>("SELECT * FROM reorg_reports ORDER BY id DESC LIMIT ?", limit).toArray().map(reportOf);
  }

  /** Addresses whose figures D1 has not taken yet, oldest change first. */
  unpublished(limit: number): PublishableHolding[] {
    return this.sql
      .exec<HoldingRow>("SELECT h.* FROM unpublished u JOIN holdings h ON h.address = u.address ORDER BY u.version LIMIT ?", limit)
      .toArray()
      .map((row) => ({ address: row.address, balance: BigInt(row.balance), received: BigInt(row.received), sent: BigInt(row.sent), transfers: row.transfers, asOfBlock: row.as_of_block, version: row.version }));
  }

  unpublishedCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM unpublished").one().n;
  }

  /** D1 took these figures: an address changed since (a newer version) stays unpublished. */
  markPublished(written: readonly PublishableHolding[]): void {
    for (const holding of written) this.sql.exec("DELETE FROM unpublished WHERE address = ? AND version = ?", holding.address, holding.version);
  }

  /** Every address again, for an operator rebuilding D1's token view. */
  markAllUnpublished(): number {
    return this.sql.exec("INSERT OR REPLACE INTO unpublished (address, version) SELECT address, version FROM holdings").rowsWritten;
  }

  alarmPolls(): number {
    return this.sql.exec<{ polls: number }>("SELECT polls FROM alarm_state WHERE id = 1").toArray()[0]?.polls ?? 0;
  }

  setAlarmPolls(polls: number): void {
    this.sql.exec("INSERT OR REPLACE INTO alarm_state (id, polls) VALUES (1, ?)", polls);
  }

  private applyToHoldings(transfer: TokenTransfer, direction: 1 | -1): void {
    for (const address of addressesMoved(transfer)) {
      const row = this.sql.exec<HoldingRow>("SELECT * FROM holdings WHERE address = ?", address).toArray()[0];
      const before: Holding = row ? { balance: BigInt(row.balance), received: BigInt(row.received), sent: BigInt(row.sent), transfers: row.transfers } : emptyHolding();
      const after = holdingAfter(before, address, transfer, direction);
      const version = (row?.version ?? 0) + 1;
      const asOfBlock = Math.max(row?.as_of_block ?? 0, transfer.blockNumber);
      this.sql.exec(
        "INSERT OR REPLACE INTO holdings (address, balance, received, sent, transfers, as_of_block, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        address,
        after.balance.toString(),
        after.received.toString(),
        after.sent.toString(),
        after.transfers,
        asOfBlock,
        version,
      );
      this.sql.exec("INSERT OR REPLACE INTO unpublished (address, version) VALUES (?, ?)", address, version);
    }
  }

  private forgetOldBlocks(): void {
    const oldest = this.sql.exec<{ number: number }>("SELECT number FROM blocks ORDER BY number DESC LIMIT 1 OFFSET ?", blocksKeptMax - 1).toArray()[0];
    if (!oldest) return;
    this.sql.exec("DELETE FROM blocks WHERE number < ?", oldest.number);
    // A transfer below the oldest kept block can no longer be reversed by a repair, nor read again.
    this.sql.exec("DELETE FROM transfers WHERE block_number < ?", oldest.number);
  }

  private report(report: Omit<ReorgReport, "id" | "resolvedAtMs">): ReorgReport {
    const id = this.sql
      .exec<{ id: number }>(
        "INSERT INTO reorg_reports (detected_at_ms, kind, depth, ancestor_block, first_block, last_block, blocks, transfers_reversed) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        report.detectedAtMs,
        report.kind,
        report.depth,
        report.ancestorBlock,
        report.firstBlock,
        report.lastBlock,
        JSON.stringify(report.blocks),
        report.transfersReversed,
      )
      .one().id;
    this.sql.exec("DELETE FROM reorg_reports WHERE id <= ?", id - reportsKeptMax);
    return { id, ...report, resolvedAtMs: null };
  }
}

function transferOf(row: TransferRow): TokenTransfer {
  return { blockNumber: row.block_number, blockHash: row.block_hash, logIndex: row.log_index, txHash: row.tx_hash, from: row.from_address, to: row.to_address, value: BigInt(row.value) };
}

function reportOf(row: ReportRow): ReorgReport {
  return {
    id: row.id,
    detectedAtMs: row.detected_at_ms,
    kind: row.kind,
    depth: row.depth,
    ancestorBlock: row.ancestor_block,
    firstBlock: row.first_block,
    lastBlock: row.last_block,
    blocks: JSON.parse(row.blocks) as OrphanedBlock[],
    transfersReversed: row.transfers_reversed,
    resolvedAtMs: row.resolved_at_ms,
  };
}
