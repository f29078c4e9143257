import { cutBatch, recipientsMaxFor, settlementGasLimit } from "../../domain/token-settlement/batch-cut";
import { type Fees, startingFees } from "../../domain/token-settlement/fee-bump";
import { type InFlightAction, type ReceiptSeen, decide, revertKind } from "../../domain/token-settlement/in-flight";
import type { SettlementChain } from "./chain-client";
import { oweConfirmations, oweReturns } from "./deliveries";
import { type BatchRow, type SettlerStore, attemptFrom } from "./settler-store";
import type { SettlerTiming } from "./settler-timing";

export type StepContext = {
  store: SettlerStore;
  chain: SettlementChain;
  timing: SettlerTiming;
  confirmations: number;
  /** Runs a write as one SQLite transaction (the actor's `transactionSync`). */
  transaction: <T>(write: () => T) => T;
};

/** What a step did: `again` when another step may follow at once; else when the settler next has work (null: none). */
export type StepResult = { again: boolean; wakeAtMs: number | null; finalBatchId?: number };

/** Cuts the next batch from the queue (no batch may be in flight). Reads the block gas limit for the bound. */
export async function cutNext(step: StepContext, nowMs: number): Promise<number | null> {
  const head = await step.chain.head();
  const recipientsMax = Math.min(step.timing.recipientsMax, recipientsMaxFor(head.gasLimit));
  // Net amounts per address need every intent of an address in the batch: read a bounded multiple of the recipients.
  const cut = cutBatch(step.store.queuedIntents(recipientsMax * 20), recipientsMax);
  if (cut.recipients.length === 0) return null;
  return step.transaction(() => (step.store.inFlight() ? null : step.store.insertBatch(cut, settlementGasLimit(cut.recipients.length, head.gasLimit), nowMs)));
}

/** Signs the batch's settlement at the chain's next nonce and the counter's next id, persists it, then sends it. */
async function signAndSend(step: StepContext, batch: BatchRow, nowMs: number): Promise<StepResult> {
  const { store, chain, timing } = step;
  if (await chain.paused()) {
    const retryAt = nowMs + timing.backoffBaseMs * 5;
    store.run("UPDATE batches SET retry_at_ms = ?, last_step = 'token paused: waiting' WHERE batch_id = ?", retryAt, batch.batch_id);
    return { again: false, wakeAtMs: retryAt };
  }
  // The counter is read before our earlier attempts' receipts: an attempt that lands between the two
  // reads shows in its receipt, so the batch is never signed under a new id after it already minted.
  const settledCount = await chain.settledCount();
  if (await anEarlierAttemptLanded(step, batch, settledCount)) {
    store.run("UPDATE batches SET state = 'sent', retry_at_ms = 0, last_step = 'an earlier attempt landed' WHERE batch_id = ?", batch.batch_id);
    return { again: true, wakeAtMs: nowMs };
  }
  const settlementId = settledCount + 1;
  const lastFinal = store.lastFinalSettlementId();
  if (settlementId <= lastFinal) throw new Error(`the token's counter expects settlement ${settlementId}, but settlement ${lastFinal} is final here: a reorg past finality or another token`);
  // The next nonce is the mined count: no attempt of this batch can still land at or above it (a 'cut'
  // batch has none pending), and a pool that drops a pending transaction can never leave a gap below ours.
  const nonce = (await chain.nonces()).mined;
  const fees = startingFees(await chain.suggestedFees(), BigInt(timing.maxFeePerGasCeiling));
  const head = await chain.head();
  return persistThenSend(step, batch, { settlementId, nonce, fees, fromBlock: head.number }, nowMs);
}

/** Whether one of the batch's earlier transactions minted it (its receipt, or the Settled log of its id). */
async function anEarlierAttemptLanded(step: StepContext, batch: BatchRow, settledCount: number): Promise<boolean> {
  const earlier = step.store.attempts(batch.batch_id);
  if (earlier.length === 0) return false;
  const reads = await Promise.all(earlier.map((attempt) => step.chain.receipt(attempt.hash)));
  if (reads.some((read) => read?.ok)) return true;
  if (batch.settlement_id === null || settledCount < batch.settlement_id) return false;
  const settledBy = await step.chain.settledBy(batch.settlement_id, Math.max(0, (batch.from_block ?? 0) - 1));
  return settledBy !== null && earlier.some((attempt) => attempt.hash === settledBy);
}

async function persistThenSend(step: StepContext, batch: BatchRow, tx: { settlementId: number; nonce: number; fees: Fees; fromBlock: number | null }, nowMs: number): Promise<StepResult> {
  const { store, chain } = step;
  const { addresses, amounts } = store.recipientsOf(batch);
  const signed = await chain.sign({ settlementId: tx.settlementId, recipients: addresses, amounts }, tx.nonce, tx.fees, batch.gas_limit);
  step.transaction(() => {
    store.run(
      "INSERT OR IGNORE INTO attempts (hash, batch_id, settlement_id, nonce, raw, max_fee_per_gas, max_priority_fee_per_gas, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      signed.hash, batch.batch_id, tx.settlementId, tx.nonce, signed.raw, tx.fees.maxFeePerGas.toString(), tx.fees.maxPriorityFeePerGas.toString(), nowMs,
    );
    store.run(
      "UPDATE batches SET state = 'sent', settlement_id = ?, nonce = ?, from_block = COALESCE(?, from_block), retry_at_ms = 0, last_step = 'signed' WHERE batch_id = ?",
      tx.settlementId, tx.nonce, tx.fromBlock, batch.batch_id,
    );
  });
  return send(step, signed.hash, signed.raw, nowMs);
}

/** Broadcasts a persisted attempt and records the node's answer. A transport failure leaves the outcome unknown (sent_at_ms stays null). */
async function send(step: StepContext, hash: string, raw: string, nowMs: number): Promise<StepResult> {
  const result = await step.chain.broadcast(raw);
  if (result.ok) {
    step.store.run("UPDATE attempts SET sent_at_ms = COALESCE(sent_at_ms, ?), last_error = NULL, last_error_message = NULL WHERE hash = ?", nowMs, hash);
    return { again: true, wakeAtMs: nowMs };
  }
  step.store.run("UPDATE attempts SET last_error = ?, last_error_message = ? WHERE hash = ?", result.error, result.message.slice(0, 500), hash);
  // A refusal is acted on at the next look (replace, re-sign), not in a tight loop against the node.
  return { again: false, wakeAtMs: nowMs + step.timing.pollMs };
}

/** One step for the batch in flight: read what the chain says about every hash we sent, decide, act. */
export async function advance(step: StepContext, batch: BatchRow, nowMs: number): Promise<StepResult> {
  const { store, chain, timing } = step;
  if (batch.retry_at_ms > nowMs) return { again: false, wakeAtMs: batch.retry_at_ms };
  if (batch.state === "cut") return signAndSend(step, batch, nowMs);
  const rows = store.attempts(batch.batch_id);
  const settlementId = batch.settlement_id!;
  const nonce = batch.nonce!;
  // Nonce and counter first, receipts after: a transaction of ours mined between the reads shows in its
  // receipt, never as "our nonce was taken by someone else".
  const [nonces, settledCount, head] = await Promise.all([chain.nonces(), chain.settledCount(), chain.head()]);
  const reads = await Promise.all(rows.map((row) => chain.receipt(row.hash)));
  const receipts: ReceiptSeen[] = [];
  for (const [index, read] of reads.entries()) {
    if (!read) continue;
    if (read.ok) receipts.push({ hash: read.hash, ok: true, blockNumber: read.blockNumber });
    else if (rows[index].nonce === nonce) receipts.push({ hash: read.hash, ok: false, blockNumber: read.blockNumber, revert: revertKind(await chain.replayError(rows[index].raw)) });
  }
  const unmined = rows.filter((row, index) => !reads[index] && row.nonce === nonce);
  const known = await Promise.all(unmined.map((row) => chain.known(row.hash)));
  const settledByHash = settledCount >= settlementId ? await chain.settledBy(settlementId, Math.max(0, (batch.from_block ?? 0) - 1)) : null;
  const action = decide(
    { settlementId, nonce, attempts: rows.map(attemptFrom) },
    { receipts, knownHashes: unmined.filter((_, index) => known[index]).map((row) => row.hash), minedNonce: nonces.mined, settledCount, settledByHash, headBlock: head.number, confirmationsNeeded: step.confirmations },
    nowMs,
    { stuckAfterMs: timing.stuckAfterMs, maxFeePerGasCeiling: BigInt(timing.maxFeePerGasCeiling) },
  );
  return act(step, batch, action, reads.find((read) => read?.ok) ?? null, nowMs);
}

async function act(step: StepContext, batch: BatchRow, action: InFlightAction, minedRead: Awaited<ReturnType<SettlementChain["receipt"]>>, nowMs: number): Promise<StepResult> {
  const { store, timing } = step;
  switch (action.action) {
    case "wait": {
      // Mined but not yet confirmed: 'mined'; a receipt that vanished (reorg) puts the batch back to 'sent'.
      const state = minedRead ? "mined" : "sent";
      store.run("UPDATE batches SET state = ?, block_number = ?, last_step = ? WHERE batch_id = ?", state, minedRead?.blockNumber ?? null, `wait: ${action.why}`.slice(0, 300), batch.batch_id);
      return { again: false, wakeAtMs: nowMs + timing.pollMs };
    }
    case "rebroadcast": {
      const row = store.one<{ raw: string }>("SELECT raw FROM attempts WHERE hash = ?", action.hash)!;
      store.run("UPDATE batches SET state = 'sent', last_step = 'rebroadcast' WHERE batch_id = ?", batch.batch_id);
      return send(step, action.hash, row.raw, nowMs);
    }
    case "replace":
      return persistThenSend(step, batch, { settlementId: batch.settlement_id!, nonce: batch.nonce!, fees: action.fees, fromBlock: null }, nowMs);
    case "resign_new_nonce":
    case "reverted_retry": {
      const why = action.action === "reverted_retry" ? action.why : "nonce taken by another transaction: re-signing the same settlement";
      const retryAt = action.action === "reverted_retry" ? nowMs + timing.backoffBaseMs : 0;
      store.run("UPDATE batches SET state = 'cut', retry_at_ms = ?, last_step = ? WHERE batch_id = ?", retryAt, why.slice(0, 300), batch.batch_id);
      return { again: retryAt === 0, wakeAtMs: retryAt || nowMs };
    }
    case "already_settled":
    case "final": {
      const read = minedRead?.hash === action.hash ? minedRead : await step.chain.receipt(action.hash);
      if (!read?.ok) return { again: false, wakeAtMs: nowMs + timing.pollMs };
      if (action.action === "already_settled" && (await step.chain.head()).number - read.blockNumber + 1 < step.confirmations) return { again: false, wakeAtMs: nowMs + timing.pollMs };
      finalize(step, batch, read, nowMs);
      return { again: true, wakeAtMs: nowMs, finalBatchId: batch.batch_id };
    }
    case "abandon": {
      step.transaction(() => {
        store.run("UPDATE batches SET state = 'abandoned', abandoned_reason = ?, last_step = 'abandoned' WHERE batch_id = ?", action.why, batch.batch_id);
        store.run("UPDATE intents SET state = 'returned' WHERE batch_id = ?", batch.batch_id);
        oweReturns(store, batch.batch_id, action.why, nowMs);
      });
      console.error(`chain settler: batch ${batch.batch_id} abandoned: ${action.why}`);
      return { again: true, wakeAtMs: nowMs };
    }
  }
}

/** Final: the batch, its intents, what the receipt minted per address and the deliveries owed, in one transaction. */
function finalize(step: StepContext, batch: BatchRow, read: NonNullable<Awaited<ReturnType<SettlementChain["receipt"]>>>, nowMs: number): void {
  const { store } = step;
  const settlementId = store.one<{ settlement_id: number }>("SELECT settlement_id FROM attempts WHERE hash = ?", read.hash)!.settlement_id;
  step.transaction(() => {
    store.run(
      "UPDATE batches SET state = 'final', settlement_id = ?, final_hash = ?, gas_used = ?, block_number = ?, final_at_ms = ?, last_step = 'final' WHERE batch_id = ?",
      settlementId, read.hash, read.gasUsed, read.blockNumber, nowMs, batch.batch_id,
    );
    store.run("UPDATE intents SET state = 'settled' WHERE batch_id = ?", batch.batch_id);
    for (const [address, amount] of read.mints) store.run("INSERT OR REPLACE INTO minted (batch_id, address, amount) VALUES (?, ?, ?)", batch.batch_id, address, amount.toString());
    oweConfirmations(store, batch.batch_id, settlementId, read.hash, nowMs);
  });
}

