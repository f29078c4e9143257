/**
 * Which queued payout intents go into the next settlement, and how many recipients a batch may hold.
 * A batch pays each address its net amount once (one storage write per recipient on chain), so the
 * cut is by distinct address, never by intent.
 */

/** The settler's own cut: 500 fresh holders fit under EIP-7825's per-transaction cap with room to spare. */
export const batchRecipientsMax = 500;
/** EIP-7825: no transaction may use more gas than this, whatever the block allows. */
export const transactionGasCap = 16_777_216;
/** What one fresh recipient costs, rounded up from receipts (the contract measures under 25,000). */
export const freshRecipientGas = 27_000;
/** The transaction's fixed part: intrinsic cost, calldata head, the counter's slot and the Settled log. */
export const settlementBaseGas = 100_000;
/** Headroom kept under the cap: a block's limit moves and a receipt is not an estimate. */
export const gasMarginPercent = 10;

export type QueuedIntent = { intentId: string; address: string; tokenAmount: string; queuedAtMs: number };
export type BatchRecipient = { address: string; amount: bigint; intentIds: string[] };
export type BatchCut = { recipients: BatchRecipient[]; intentIds: string[]; totalAmount: bigint };

/** The most recipients a batch may hold when the chain's blocks allow `blockGasLimit` gas. */
export function recipientsMaxFor(blockGasLimit: number): number {
  const usable = Math.floor((Math.min(blockGasLimit, transactionGasCap) * (100 - gasMarginPercent)) / 100);
  return Math.max(0, Math.min(batchRecipientsMax, Math.floor((usable - settlementBaseGas) / freshRecipientGas)));
}

/** The gas limit a settlement to `recipients` addresses is sent with (never above what the chain allows). */
export function settlementGasLimit(recipients: number, blockGasLimit: number): number {
  return Math.min(settlementBaseGas + freshRecipientGas * recipients, Math.min(blockGasLimit, transactionGasCap));
}

/**
 * Takes queued intents oldest first into one batch, netting amounts per address (addresses compared
 * case-insensitively, the first spelling kept), until the batch holds `recipientsMax` addresses: an
 * intent for an address already in the batch always fits; one for a new address waits for the next batch.
 */
export function cutBatch(queued: readonly QueuedIntent[], recipientsMax: number): BatchCut {
  const byAddress = new Map<string, BatchRecipient>();
  const intentIds: string[] = [];
  let totalAmount = 0n;
  const ordered = [...queued].sort((a, b) => a.queuedAtMs - b.queuedAtMs || (a.intentId < b.intentId ? -1 : 1));
  for (const intent of ordered) {
    const key = intent.address.toLowerCase();
    let recipient = byAddress.get(key);
    if (!recipient) {
      if (byAddress.size >= recipientsMax) continue;
      recipient = { address: intent.address, amount: 0n, intentIds: [] };
      byAddress.set(key, recipient);
    }
    const amount = BigInt(intent.tokenAmount);
    recipient.amount += amount;
    recipient.intentIds.push(intent.intentId);
    intentIds.push(intent.intentId);
    totalAmount += amount;
  }
  return { recipients: [...byAddress.values()], intentIds, totalAmount };
}

/** Why a batch is cut now, or null to keep waiting: enough recipients, the oldest waited long enough, or the cron asked. */
export function cutReason(
  queued: { recipients: number; oldestQueuedAtMs: number | null },
  nowMs: number,
  limits: { recipientsThreshold: number; waitMaxMs: number },
  cronAsked: boolean,
): "size" | "age" | "cron" | null {
  if (queued.recipients === 0 || queued.oldestQueuedAtMs === null) return null;
  if (queued.recipients >= limits.recipientsThreshold) return "size";
  if (nowMs - queued.oldestQueuedAtMs >= limits.waitMaxMs) return "age";
  return cronAsked ? "cron" : null;
}
