import { recordIdsFor } from "../../domain/ids/derived-ids";
import type { CountedSql } from "./counted-sql";

/** A stored answer: what the first request with this key got, replayed verbatim to later ones. */
export type StoredReply = { status: number; body: object };
export type Replayable<R extends StoredReply> = R & { replayed: boolean };

export const idempotencyRetentionMs = 8 * 24 * 60 * 60 * 1000;
export const idempotencyPurgeBatchMax = 500;

export const keyReusedReply = {
  status: 422,
  body: {
    error: {
      code: "idempotency_key_reused",
      message: "This Idempotency-Key was already used with a different request; send a new key for a new request",
    },
  },
} as const;

type RecordRow = {
  kind: "key" | "purchase" | "refund" | "redemption" | "adjustment";
  id: string;
  request_hash: string | null;
  status: number | null;
  reply: string | null;
};

/** Rebuilds a purchase's first answer from its row (its row holds no copy of the answer). */
export type PurchaseReplay = (purchaseId: string) => StoredReply;

/**
 * What a key already names for this member: a stored answer, or the record of any operation. Ids
 * derive from the member and the key, so one statement probes the key and each operation's table
 * by primary key; the records outlive the key's retention, so a late retry still finds them.
 */
function recordOfKey(db: CountedSql, memberId: string, key: string): RecordRow | undefined {
  const ids = recordIdsFor(memberId, key);
  const rows = db.all<RecordRow>(
    `SELECT 'key' AS kind, key AS id, request_hash, status, response AS reply FROM idempotency WHERE key = ?
     UNION ALL SELECT 'purchase', id, request_hash, NULL, NULL FROM purchases WHERE id = ?
     UNION ALL SELECT 'refund', id, request_hash, NULL, reply FROM refunds WHERE id = ?
     UNION ALL SELECT 'redemption', id, request_hash, NULL, reply FROM redemptions WHERE id = ?
     UNION ALL SELECT 'adjustment', id, request_hash, NULL, reply FROM adjustments WHERE id = ?`,
    key,
    ids.purchaseId,
    ids.refundId,
    ids.redemptionId,
    ids.adjustmentId,
  );
  // A purchase from before records kept their own hash also has its stored answer under the key.
  return rows.find((row) => row.kind === "key") ?? rows[0];
}

/**
 * The generic idempotency layer (§3), used by every write of the Member actor. One key names one
 * request per member, across every operation: the same request replays its first answer, any other
 * gets 422 `idempotency_key_reused`. Call it inside `transactionSync`: the check, the decision, its
 * writes and the stored answer commit together, so a crash leaves either nothing or everything, and
 * a concurrent duplicate (serialised by the actor) finds the first answer instead of applying twice.
 * A success that creates a record (purchase, refund, redemption, adjustment) is its own record and
 * stores no idempotency row; rejections and other writes store one.
 */
export function runIdempotent<R extends StoredReply>(
  db: CountedSql,
  scope: { memberId: string; key: string | undefined },
  requestHash: string,
  nowMs: number,
  apply: () => R & { recorded?: boolean; transient?: boolean },
  purchaseReplay?: PurchaseReplay,
): Replayable<R> | Replayable<typeof keyReusedReply> {
  const { key } = scope;
  if (key === undefined) return { ...apply(), replayed: false };
  const record = recordOfKey(db, scope.memberId, key);
  if (record) {
    if (record.request_hash !== requestHash) return { ...keyReusedReply, replayed: false };
    const reply = replayOf(record, purchaseReplay);
    if (!reply) return { ...keyReusedReply, replayed: false };
    return { ...reply, replayed: true } as Replayable<R>;
  }
  const { recorded, transient, ...reply } = apply();
  // A record is its own idempotency row; a refusal that depends on time (a cooldown, a full day, a
  // streak already claimed today) is not stored, so the same key succeeds once the time has come.
  if (recorded || transient) return { ...(reply as R), replayed: false };
  db.run(
    "INSERT INTO idempotency (key, request_hash, status, response, created_at_ms) VALUES (?, ?, ?, ?, ?)",
    key,
    requestHash,
    reply.status,
    JSON.stringify(reply.body),
    nowMs,
  );
  return { ...(reply as R), replayed: false };
}

function replayOf(record: RecordRow, purchaseReplay: PurchaseReplay | undefined): StoredReply | undefined {
  if (record.kind === "key") return { status: record.status!, body: JSON.parse(record.reply!) };
  if (record.kind === "purchase") return purchaseReplay?.(record.id);
  return JSON.parse(record.reply!) as StoredReply;
}

/** Deletes keys past retention, a bounded batch per call; returns the time the next purge is due, if any. */
export function purgeExpiredKeys(db: CountedSql, nowMs: number): number | null {
  const cutoff = nowMs - idempotencyRetentionMs;
  db.run(
    "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE created_at_ms < ? LIMIT ?)",
    cutoff,
    idempotencyPurgeBatchMax,
  );
  const oldest = db.one<{ oldest: number | null }>("SELECT MIN(created_at_ms) AS oldest FROM idempotency")!.oldest;
  if (oldest === null) return null;
  return Math.max(oldest + idempotencyRetentionMs, nowMs + 1000);
}
