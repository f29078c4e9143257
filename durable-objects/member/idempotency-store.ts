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
): Replayable<R> | Replayable<typeof keyReusedReply> {
  if (key === undefined) return { ...apply(), replayed: false };
  const stored = db.one<Row>("SELECT request_hash, status, response FROM idempotency WHERE key = ?", key);
  if (stored) {
    if (stored.request_hash !== requestHash) return { ...keyReusedReply, replayed: false };
    return { status: stored.status, body: JSON.parse(stored.response), replayed: true } as Replayable<R>;
  }
  const reply = apply();
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
