import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { operatorRequests } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { readIdempotencyKey, replayHeader } from "./idempotency-key";
import { requestHash } from "./request-hash";

export type DirectoryWrite<B> = { body: B; writes: BatchItem<"sqlite">[] };

/**
 * Idempotency for operator writes to the D1 directory. The writes and the stored answer commit in
 * one D1 batch (a transaction); a concurrent duplicate loses on the primary key and replays the
 * winner. Sets `Idempotent-Replayed` on a replay and returns the body to answer.
 */
export async function runOperatorWrite<B>(
  c: Context<AppEnv>,
  route: string,
  requestBody: unknown,
  plan: () => Promise<DirectoryWrite<B>>,
): Promise<B> {
  const db = drizzle(c.env.DB);
  const key = readIdempotencyKey(c);
  if (key === undefined) {
    const write = await plan();
    await db.batch(write.writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    return write.body;
  }

  const hash = requestHash(route, new URL(c.req.url).pathname, requestBody);
  const replay = async (): Promise<B | null> => {
    const [stored] = await db
      .select()
      .from(operatorRequests)
      .where(and(eq(operatorRequests.route, route), eq(operatorRequests.idempotencyKey, key)));
    if (!stored) return null;
    if (stored.requestHash !== hash) {
      throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was already used with a different request");
    }
    c.header(replayHeader, "true");
    return JSON.parse(stored.response) as B;
  };

  const earlier = await replay();
  if (earlier) return earlier;
  const write = await plan();
  const record = db.insert(operatorRequests).values({
    idempotencyKey: key,
    route,
    requestHash: hash,
    status: 201,
    response: JSON.stringify(write.body),
    createdAt: new Date().toISOString(),
  });
  try {
    await db.batch([record, ...write.writes]);
  } catch (error) {
    const winner = await replay();
    if (winner) return winner;
    throw error;
  }
  return write.body;
}
