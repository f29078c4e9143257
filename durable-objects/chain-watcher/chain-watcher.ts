import { DurableObject } from "cloudflare:workers";
import { blocksOf, confirmedHead, findCommonAncestor, logsMatchRange, nextRange } from "../../domain/token-view/log-window";
import { type ChainReader, ethersChainReader } from "./chain-reader";
import { publishHoldings } from "./publish-holdings";
import type { PollResult, RebuildResult, ReorgReport, WatcherStatus } from "./watcher-rpc";
import { applyWatcherSchema } from "./watcher-schema";
import { WatcherStore } from "./watcher-store";

/** At most this many blocks per `eth_getLogs` (providers commonly refuse wider ranges). */
export const rangeBlocksMax = 2_000;
/** A range answering more logs than this is read again at half the width (one transaction stays small). */
export const logsPerRangeMax = 2_000;
/** At most this many ranges per poll: a poll far behind catches up over several polls. */
export const rangesPerPollMax = 10;
/** At most this many holdings written to D1 per batch, and batches per poll. */
const holdingsPerBatchMax = 100;
const publishBatchesPerPollMax = 20;
/** While the chain is busy the watcher polls itself this often, at most this many times between two crons. */
export const alarmPollMs = 15_000;
export const alarmPollsMax = 20;

/**
 * The one reader of the reward token's Transfer logs (issue 23), named "watcher". `poll` reads from the
 * persisted cursor up to the newest block with CHAIN_EVENTS_CONFIRMATIONS confirmations, in bounded
 * ranges, and keeps the per-address holdings that D1's token view is written from. Before each range it
 * checks that the chain still has the cursor's block (the next block's parent hash); if not, a reorg
 * deeper than the depth happened: it is reported, the orphaned blocks' transfers are reversed and the
 * new blocks read. The cron calls `poll`; the alarm calls it again while there is more to read.
 */
export class ChainWatcher extends DurableObject<Env> {
  private readonly store: WatcherStore;
  /** A cron and an alarm may both ask to poll: they share the poll in flight (reads must not interleave). */
  private polling: Promise<PollResult> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new WatcherStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => applyWatcherSchema(ctx.storage.sql));
  }

  /** Reads new token transfers behind the confirmation depth and publishes the holdings they changed. */
  async poll(nowMs: number): Promise<PollResult> {
    this.polling ??= this.pollOnce(nowMs, "cron").finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  override async alarm(): Promise<void> {
    this.polling ??= this.pollOnce(Date.now(), "alarm").finally(() => {
      this.polling = null;
    });
    await this.polling;
  }

  /** Where the watcher stands: its cursor, what D1 has not taken yet, and the newest reorg reports. */
  async status(): Promise<WatcherStatus> {
    return { cursor: this.store.cursor(), unpublished: this.store.unpublishedCount(), reorgs: this.store.reports(20) };
  }

  /**
   * Rebuilds the view from block 0 (an operator's answer to a reorg deeper than the kept hashes): waits
   * for a poll in flight, resets every address to zero and forgets what was read, then polls.
   */
  async rebuild(nowMs: number): Promise<RebuildResult> {
    while (this.polling) await this.polling.catch(() => undefined);
    const addressesReset = this.ctx.storage.transactionSync(() => this.store.resetForRebuild(nowMs));
    console.error(`chain watcher: rebuilding the token view from block 0 (${addressesReset} addresses reset)`);
    return { addressesReset, poll: await this.poll(nowMs) };
  }

  /** Writes every address's figures to D1 again (an operator rebuilding the token view); answers how many. */
  async republishAll(nowMs: number): Promise<number> {
    const marked = this.ctx.storage.transactionSync(() => this.store.markAllUnpublished());
    await this.publish(nowMs);
    return marked;
  }

  private async pollOnce(nowMs: number, trigger: "cron" | "alarm"): Promise<PollResult> {
    const result = await this.readChain(nowMs).catch((error: unknown) => ({ kind: "chain_unavailable" as const, error }));
    // What was read is published even when the chain failed halfway: it is durable in this object already.
    const holdingsPublished = await this.publish(nowMs);
    if ("kind" in result) {
      if (result.kind === "chain_unavailable") {
        return { ok: false, code: "chain_unavailable", message: `The chain did not answer (${String(result.error)}); the next poll continues from block ${this.store.cursor()?.number ?? 0}`, holdingsPublished };
      }
      return { ok: false, code: result.kind, message: result.message, holdingsPublished };
    }
    await this.pollAgainIfBusy(trigger, result.caughtUp, result.transfersApplied + result.reorgs.length);
    return { ...result, holdingsPublished };
  }

  private async readChain(nowMs: number): Promise<Omit<Extract<PollResult, { ok: true }>, "holdingsPublished"> | { kind: "token_not_configured" | "deep_reorg_needs_operator"; message: string }> {
    if (!this.env.TOKEN_ADDRESS) return { kind: "token_not_configured", message: "TOKEN_ADDRESS is empty: deploy the RewardToken (npm start does) and set it" };
    const blocking = this.store.blockingReport();
    if (blocking) return { kind: "deep_reorg_needs_operator", message: tooDeepMessage(blocking) };
    const confirmations = Number(this.env.CHAIN_EVENTS_CONFIRMATIONS || "1");
    const reader = ethersChainReader(this.env.CHAIN_RPC_URL, Number(this.env.CHAIN_ID));
    try {
      const reorgs: ReorgReport[] = [];
      let transfersApplied = 0;
      let head = await reader.head();
      let widthBlocks = rangeBlocksMax;
      for (let step = 0; step < rangesPerPollMax; step++) {
        const safeHead = confirmedHead(head, confirmations);
        const cursor = this.store.cursor();
        const range = nextRange(cursor?.number ?? null, safeHead, widthBlocks, Math.max(0, Number(this.env.TOKEN_DEPLOY_BLOCK) || 0));
        if (!range) {
          if (cursor && (await reader.block(cursor.number))?.hash !== cursor.hash) {
            const report = await this.repairReorg(reader, nowMs);
            reorgs.push(report);
            if (report.kind === "deeper_than_window") return { kind: "deep_reorg_needs_operator", message: tooDeepMessage(report) };
            continue;
          }
          return { ok: true, head, confirmedHead: safeHead, cursor: cursor?.number ?? null, transfersApplied, reorgs, caughtUp: true };
        }
        const last = await reader.block(range.toBlock);
        const first = range.fromBlock === range.toBlock ? last : await reader.block(range.fromBlock);
        if (!last || !first) {
          head = await reader.head(); // the chain got shorter under us: look again
          continue;
        }
        if (cursor && first.parentHash !== cursor.hash) {
          const report = await this.repairReorg(reader, nowMs);
          reorgs.push(report);
          if (report.kind === "deeper_than_window") return { kind: "deep_reorg_needs_operator", message: tooDeepMessage(report) };
          continue;
        }
        const transfers = await reader.transfers(this.env.TOKEN_ADDRESS, range.fromBlock, range.toBlock);
        if (transfers.length > logsPerRangeMax && widthBlocks > 1) {
          widthBlocks = Math.max(1, Math.floor(widthBlocks / 2));
          continue;
        }
        // The logs must come from the chain whose last block we hold: a reorg while they were read shows here.
        const lastAgain = await reader.block(range.toBlock);
        if (lastAgain?.hash !== last.hash || !logsMatchRange(transfers, range.fromBlock, last)) continue;
        const seen = blocksOf(transfers);
        if (first !== last) seen.push({ number: first.number, hash: first.hash });
        transfersApplied += this.ctx.storage.transactionSync(() => this.store.recordRange({ number: last.number, hash: last.hash }, seen, transfers));
        widthBlocks = rangeBlocksMax;
      }
      const cursor = this.store.cursor()?.number ?? null;
      return { ok: true, head, confirmedHead: confirmedHead(head, confirmations), cursor, transfersApplied, reorgs, caughtUp: cursor !== null && cursor >= confirmedHead(head, confirmations) };
    } finally {
      reader.close();
    }
  }

  /** Finds the common ancestor among the stored hashes and rewinds to it, or reports a reorg deeper than them. */
  private async repairReorg(reader: ChainReader, nowMs: number): Promise<ReorgReport> {
    const stored = this.store.storedBlocks();
    const chainHashes = new Map<number, string | null>();
    for (const block of stored) {
      const hash = (await reader.block(block.number))?.hash ?? null;
      chainHashes.set(block.number, hash);
      if (hash === block.hash) break; // the newest block still on the chain: its ancestors are too
    }
    const finding = findCommonAncestor(stored, chainHashes);
    const report = this.ctx.storage.transactionSync(() =>
      finding.kind === "common_ancestor" ? this.store.rewind(finding.ancestor, finding.orphaned, nowMs) : this.store.reportTooDeep(finding.orphaned, nowMs),
    );
    console.error(`chain watcher: reorg deeper than the confirmation depth (${report.kind})`, JSON.stringify(report));
    return report;
  }

  private async publish(nowMs: number): Promise<number> {
    let published = 0;
    for (let batch = 0; batch < publishBatchesPerPollMax; batch++) {
      const holdings = this.store.unpublished(holdingsPerBatchMax);
      if (holdings.length === 0) break;
      try {
        await publishHoldings(this.env.DB, holdings, nowMs);
      } catch (error) {
        console.error("chain watcher: D1 did not take the token holdings; the next poll writes them again", error);
        break;
      }
      this.ctx.storage.transactionSync(() => this.store.markPublished(holdings));
      published += holdings.length;
    }
    return published;
  }

  /** While there is more to read (or the chain just moved), poll again soon, a bounded number of times per cron. */
  private async pollAgainIfBusy(trigger: "cron" | "alarm", caughtUp: boolean, changes: number): Promise<void> {
    const polls = trigger === "cron" ? 0 : this.store.alarmPolls() + 1;
    const busy = !caughtUp || changes > 0;
    this.ctx.storage.transactionSync(() => this.store.setAlarmPolls(busy ? polls : 0));
    if (busy && polls < alarmPollsMax) await this.ctx.storage.setAlarm(Date.now() + alarmPollMs);
  }
}

function tooDeepMessage(report: ReorgReport): string {
  return `A reorg replaced blocks ${report.firstBlock}–${report.lastBlock}, deeper than the block hashes kept; the watcher stopped (report ${report.id}). An operator rebuilds the token view from block 0: POST /v1/chain/watcher/rebuild`;
}
