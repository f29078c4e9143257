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

type Row = { request_hash: string; status: number; response: string };

/**
 * Where a write that creates a row under an id derived from its key keeps its own record: the row
 * holds the request hash and rebuilds the first answer, so a success stores no idempotency row
 * (three fewer index entries per purchase). Rejections still go to \`idempotency\`.
 */
export type NaturalRecord = () => { requestHash: string | null; reply: StoredReply } | undefined;

/**
 * The generic idempotency layer (§3), used by every write of the Member actor. Call it inside
 * `transactionSync`: the check, the decision, its writes and the stored answer commit together,
 * so a crash leaves either nothing or everything, and a concurrent duplicate (serialised by the
 * actor) finds the first answer instead of applying twice.
 */
export function runIdempotent<R extends StoredReply>(
  db: CountedSql,
  key: string | undefined,
  requestHash: string,
  nowMs: number,
  apply: () => R,
  naturalRecord?: NaturalRecord,
): Replayable<R> | Replayable<typeof keyReusedReply> {
  if (key === undefined) return { ...apply(), replayed: false };
  const stored = db.one<Row>("SELECT request_hash, status, response FROM idempotency WHERE key = ?", key);
  if (stored) {
    if (stored.request_hash !== requestHash) return { ...keyReusedReply, replayed: false };
    return { status: stored.status, body: JSON.parse(stored.response), replayed: true } as Replayable<R>;
  }
  const natural = naturalRecord?.();
  if (natural && natural.requestHash !== null) {
    if (natural.requestHash !== requestHash) return { ...keyReusedReply, replayed: false };
    return { ...natural.reply, replayed: true } as Replayable<R>;
  }
  const reply = apply();
  if (naturalRecord && reply.status < 300) return { ...reply, replayed: false };
  db.run(
    "INSERT INTO idempotency (key, request_hash, status, response, created_at_ms) VALUES (?, ?, ?, ?, ?)",
    key,
    requestHash,
    reply.status,
    JSON.stringify(reply.body),
    nowMs,
  );
  return { ...reply, replayed: false };
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
