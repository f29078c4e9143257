import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { programs, venues } from "../../db/schema";
import type { ProgramConfig } from "../../domain/programs/program-config";
import { ApiError } from "../errors/api-error";

export type ProgramRecord = {
  id: string;
  name: string;
  preset: string;
  config: ProgramConfig;
  createdAt: string;
};

export async function findProgram(db: D1Database, programId: string): Promise<ProgramRecord> {
  const [program] = await drizzle(db).select().from(programs).where(eq(programs.id, programId)).limit(1);
  if (!program) throw new ApiError(404, "program_not_found", `No program ${programId}`);
  return { ...program, config: program.config as ProgramConfig };
}

export async function findVenue(db: D1Database, venueId: string) {
  const [venue] = await drizzle(db).select().from(venues).where(eq(venues.id, venueId)).limit(1);
  if (!venue) throw new ApiError(404, "venue_not_found", `No venue ${venueId}`);
  return venue;
}
