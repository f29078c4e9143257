import { type PayoutIntent, PayoutIntentSchema } from "../../domain/token-settlement/payout-intent";
import type { BatchCut } from "../../domain/token-settlement/batch-cut";
import type { Attempt, BroadcastError } from "../../domain/token-settlement/in-flight";

export type BatchState = "cut" | "sent" | "mined" | "final" | "abandoned";
export type BatchRow = {
  batch_id: number;
  settlement_id: number | null;
  state: BatchState;
  recipients: string;
  recipient_count: number;
  total_amount: string;
  nonce: number | null;
  from_block: number | null;
  gas_limit: number;
  gas_used: number | null;
  block_number: number | null;
  final_hash: string | null;
  last_step: string | null;
  retry_at_ms: number;
  created_at_ms: number;
  final_at_ms: number | null;
  abandoned_reason: string | null;
};
export type AttemptRow = {
  hash: string;
  batch_id: number;
  settlement_id: number;
  nonce: number;
  raw: string;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  created_at_ms: number;
  sent_at_ms: number | null;
  last_error: BroadcastError | null;
  last_error_message: string | null;
};

/** What became of intents handed to the settler: `refused` ones are returned to their members at once. */
export type IntentIntake = { accepted: number; duplicates: number; conflicts: string[]; invalid: number; refused: string[] };

const zeroAddress = /^0x0{40}$/;

/** The settler's SQL: each method is one statement or one small group the caller wraps in a transaction. */
export class SettlerStore {
  constructor(private readonly sql: SqlStorage) {}

  all<T>(query: string, ...bindings: SqlStorageValue[]): T[] {
    return this.sql.exec(query, ...bindings).toArray() as T[];
  }

  one<T>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
    return this.all<T>(query, ...bindings)[0];
  }

  run(query: string, ...bindings: SqlStorageValue[]): void {
    this.sql.exec(query, ...bindings);
  }

  /** Stores intents, once each by id; the same id with another payload is a conflict, kept aside and never applied. */
  storeIntents(received: readonly unknown[], nowMs: number): IntentIntake {
    const intake: IntentIntake = { accepted: 0, duplicates: 0, conflicts: [], invalid: 0, refused: [] };
    for (const candidate of received) {
      const parsed = PayoutIntentSchema.safeParse(candidate);
      if (!parsed.success) {
        intake.invalid++;
        continue;
      }
      const intent: PayoutIntent = parsed.data;
      const payload = JSON.stringify(intent);
      const stored = this.one<{ payload: string }>("SELECT payload FROM intents WHERE intent_id = ?", intent.intentId);
      if (stored) {
        if (stored.payload === payload) intake.duplicates++;
        else {
          intake.conflicts.push(intent.intentId);
          this.run("INSERT INTO duplicate_intents (intent_id, payload, at_ms) VALUES (?, ?, ?)", intent.intentId, payload, nowMs);
        }
        continue;
      }
      // The token refuses a zero address for the whole batch: such an intent never joins one, and goes back to its member.
      const refused = zeroAddress.test(intent.address);
      this.run(
        "INSERT INTO intents (intent_id, member_id, program_id, address, points, token_amount, cut_at_ms, payload, state, queued_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        intent.intentId, intent.memberId, intent.programId, intent.address, intent.points, intent.tokenAmount, intent.cutAtMs, payload, refused ? "returned" : "queued", nowMs,
      );
      if (refused) {
        this.run("INSERT OR IGNORE INTO deliveries (intent_id, kind, member_id, reason, created_at_ms, next_at_ms) VALUES (?, 'return', ?, 'zero_address: the payout wallet is the zero address', ?, ?)", intent.intentId, intent.memberId, nowMs, nowMs);
        intake.refused.push(intent.intentId);
        continue;
      }
      intake.accepted++;
    }
    return intake;
  }

  queuedSummary(): { recipients: number; oldestQueuedAtMs: number | null } {
    const row = this.one<{ recipients: number; oldest: number | null }>("SELECT COUNT(DISTINCT lower(address)) AS recipients, MIN(queued_at_ms) AS oldest FROM intents WHERE state = 'queued'");
    return { recipients: row?.recipients ?? 0, oldestQueuedAtMs: row?.oldest ?? null };
  }

  /** The oldest queued intents, enough to fill a batch (a bound: at most this many rows are read). */
  queuedIntents(limit: number) {
    return this.all<{ intent_id: string; address: string; token_amount: string; queued_at_ms: number }>(
      "SELECT intent_id, address, token_amount, queued_at_ms FROM intents WHERE state = 'queued' ORDER BY queued_at_ms, intent_id LIMIT ?",
      limit,
    ).map((row) => ({ intentId: row.intent_id, address: row.address, tokenAmount: row.token_amount, queuedAtMs: row.queued_at_ms }));
  }

  insertBatch(cut: BatchCut, gasLimit: number, nowMs: number): number {
    const recipients = JSON.stringify(cut.recipients.map((recipient) => [recipient.address, recipient.amount.toString()]));
    const row = this.one<{ batch_id: number }>(
      "INSERT INTO batches (state, recipients, recipient_count, total_amount, gas_limit, created_at_ms, last_step) VALUES ('cut', ?, ?, ?, ?, ?, 'cut') RETURNING batch_id",
      recipients, cut.recipients.length, cut.totalAmount.toString(), gasLimit, nowMs,
    )!;
    for (const recipient of cut.recipients) {
      for (const intentId of recipient.intentIds) this.run("UPDATE intents SET state = 'batched', batch_id = ? WHERE intent_id = ? AND state = 'queued'", row.batch_id, intentId);
    }
    return row.batch_id;
  }

  /** The one batch in flight (cut, sent or mined), if any: batches settle one at a time. */
  inFlight(): BatchRow | undefined {
    return this.one<BatchRow>("SELECT * FROM batches WHERE state IN ('cut', 'sent', 'mined') ORDER BY batch_id LIMIT 1");
  }

  batch(batchId: number): BatchRow | undefined {
    return this.one<BatchRow>("SELECT * FROM batches WHERE batch_id = ?", batchId);
  }

  attempts(batchId: number): AttemptRow[] {
    return this.all<AttemptRow>("SELECT * FROM attempts WHERE batch_id = ? ORDER BY created_at_ms, rowid", batchId);
  }

  lastFinalSettlementId(): number {
    return this.one<{ id: number | null }>("SELECT MAX(settlement_id) AS id FROM batches WHERE state = 'final'")?.id ?? 0;
  }

  recipientsOf(batch: BatchRow): { addresses: string[]; amounts: bigint[] } {
    const pairs = JSON.parse(batch.recipients) as [string, string][];
    return { addresses: pairs.map(([address]) => address), amounts: pairs.map(([, amount]) => BigInt(amount)) };
  }
}

export function attemptFrom(row: AttemptRow): Attempt {
  return {
    hash: row.hash,
    nonce: row.nonce,
    settlementId: row.settlement_id,
    fees: { maxFeePerGas: BigInt(row.max_fee_per_gas), maxPriorityFeePerGas: BigInt(row.max_priority_fee_per_gas) },
    sentAtMs: row.sent_at_ms,
    lastError: row.last_error,
  };
}
