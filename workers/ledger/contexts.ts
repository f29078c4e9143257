import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { venues } from "../../db/schema";
import type { ProgramContext, VenueContext } from "../../durable-objects/member/rpc-types";
import { TtlCache } from "../cache/ttl-cache";
import { ApiError } from "../errors/api-error";
import { replayHeader } from "../idempotency/idempotency-key";
import { findProgram } from "../programs/program-directory";

const venueCache = new TtlCache<VenueContext[]>(30_000, 1_000);

export async function programContext(db: D1Database, programId: string): Promise<ProgramContext> {
  const program = await findProgram(db, programId);
  return { id: program.id, config: program.config };
}

/** A program's venues with their coalition settings (cached per isolate). */
export async function programVenues(db: D1Database, programId: string): Promise<VenueContext[]> {
  const cached = venueCache.get(programId);
  if (cached) return cached;
  const rows = await drizzle(db).select().from(venues).where(eq(venues.programId, programId));
  const contexts = rows.map((row) => ({
    id: row.id,
    timezone: row.timezone,
    participatesInCoalition: row.participatesInCoalition,
    allowCrossVenueRedemption: row.allowCrossVenueRedemption,
    maxCrossVenueRedemptionPercent: row.maxCrossVenueRedemptionPercent,
    revenueSharePercent: row.revenueSharePercent,
    earnRatePerDollar: row.earnRatePerDollar,
  }));
  venueCache.set(programId, contexts);
  return contexts;
}

export function forgetProgramVenues(programId: string): void {
  venueCache.delete(programId);
}

export async function venueContext(db: D1Database, programId: string, venueId: string): Promise<VenueContext> {
  let venue = (await programVenues(db, programId)).find((candidate) => candidate.id === venueId);
  if (!venue) {
    forgetProgramVenues(programId);
    venue = (await programVenues(db, programId)).find((candidate) => candidate.id === venueId);
  }
  if (!venue) throw new ApiError(404, "venue_not_found", `No venue ${venueId} in program ${programId}`);
  return venue;
}

/**
 * An actor's answer as the HTTP answer's body: rejections become the error model, and a replay,
 * of a success or a rejection alike, gets the `Idempotent-Replayed` header.
 */
export function actorReply<T>(c: { header(name: string, value: string): void }, reply: { status: number; body: unknown; replayed: boolean }): T {
  const headers: Record<string, string> = reply.replayed ? { [replayHeader]: "true" } : {};
  if (reply.status >= 400) {
    const { error } = reply.body as { error: { code: string; message: string } & Record<string, unknown> };
    const { code, message, ...details } = error;
    // A rejection that says when to come back (a cooldown) says it in the standard header too.
    if (typeof details.retryAfterSeconds === "number") headers["Retry-After"] = String(details.retryAfterSeconds);
    throw new ApiError(reply.status as 403, code, message, details, headers);
  }
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return reply.body as T;
}
