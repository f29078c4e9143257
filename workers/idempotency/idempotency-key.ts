import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../errors/api-error";

const keyPattern = /^[\x21-\x7e]{1,255}$/;

export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({
      description: "Unique per logical request (a UUID). A retry with the same key and body returns the first answer.",
      example: "5f0c6d7e-8a6b-4b43-9d0e-2b4a1c9e7f10",
    }),
});

/** The request's Idempotency-Key, if any; malformed keys are a 400 so they are never silently ignored. */
export function readIdempotencyKey(c: Context): string | undefined {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return undefined;
  if (!keyPattern.test(key)) {
    throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is ideal)");
  }
  return key;
}

/** For writes that always need a key (purchases, refunds, redemptions). */
export function requireIdempotencyKey(c: Context): string {
  const key = readIdempotencyKey(c);
  if (key === undefined) {
    throw new ApiError(400, "idempotency_key_missing", "Send an Idempotency-Key header (a UUID) so a retry cannot apply this twice");
  }
  return key;
}

export const replayHeader = "Idempotent-Replayed";
