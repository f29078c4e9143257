import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { programs, venues } from "../../db/schema";
import type { ProgramConfig } from "../../domain/programs/program-config";
import { TtlCache } from "../cache/ttl-cache";
import { ApiError } from "../errors/api-error";

export type ProgramRecord = {
  id: string;
  name: string;
  preset: string;
  config: ProgramConfig;
  createdAt: string;
};

/** Programs are read on every enrollment and earn; their configuration changes rarely. */
const programCache = new TtlCache<ProgramRecord>(30_000, 1_000);

export async function findProgram(db: D1Database, programId: string): Promise<ProgramRecord> {
  const cached = programCache.get(programId);
  if (cached) return cached;
  const [program] = await drizzle(db).select().from(programs).where(eq(programs.id, programId)).limit(1);
  if (!program) throw new ApiError(404, "program_not_found", `No program ${programId}`);
  const record = { ...program, config: program.config as ProgramConfig };
  programCache.set(programId, record);
  return record;
}

/** After an operator changed a program: this isolate reads it anew (others within the cache's 30 s). */
export function forgetProgram(programId: string): void {
  programCache.delete(programId);
}

export async function findVenue(db: D1Database, venueId: string) {
  const [venue] = await drizzle(db).select().from(venues).where(eq(venues.id, venueId)).limit(1);
  if (!venue) throw new ApiError(404, "venue_not_found", `No venue ${venueId}`);
  return venue;
}
