import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewards, venues } from "../db/schema";
import { TtlCache } from "../workers/cache/ttl-cache";
import { callActor } from "../workers/ledger/call-actor";
import { findProgram } from "../workers/programs/program-directory";
import type { Names } from "./words/ledger-words";

export type ProgramFacts = { id: string; name: string; currency: string; timezone: string };

type NameRows = { venues: { id: string; name: string }[]; rewards: { id: string; name: string }[] };
/** Venue and reward names change rarely; a page may show a rename up to this late. */
const nameCache = new TtlCache<NameRows>(30_000, 1_000);

/** The names, from the cache unless it misses a reward the page must name (one created since). */
async function nameRows(db: D1Database, programId: string, rewardIds: readonly string[]): Promise<NameRows> {
  const cached = nameCache.get(programId);
  if (cached && rewardIds.every((id) => cached.rewards.some((reward) => reward.id === id))) return cached;
  const [venueRows, rewardRows] = await Promise.all([
    drizzle(db).select({ id: venues.id, name: venues.name }).from(venues).where(eq(venues.programId, programId)),
    drizzle(db).select({ id: rewards.id, name: rewards.name }).from(rewards).where(eq(rewards.programId, programId)),
  ]);
  const rows = { venues: venueRows, rewards: rewardRows };
  nameCache.set(programId, rows);
  return rows;
}

/** The program's name, currency and time zone, and its venues' and rewards' names, for the words on a page. */
export async function programNames(db: D1Database, programId: string, rewardIds: readonly string[] = []): Promise<{ program: ProgramFacts; names: Names }> {
  const [program, { venues: venueRows, rewards: rewardRows }] = await Promise.all([findProgram(db, programId), nameRows(db, programId, rewardIds)]);
  const venueName = new Map(venueRows.map((row) => [row.id, row.name]));
  const rewardName = new Map(rewardRows.map((row) => [row.id, row.name]));
  return {
    program: { id: program.id, name: program.name, currency: program.config.currency, timezone: program.config.timezone },
    names: { venue: (id) => (id ? (venueName.get(id) ?? "a venue") : "the program"), reward: (id) => rewardName.get(id) ?? "a reward", currency: program.config.currency },
  };
}

/** Everything the dashboard shows, read from the member's actor (live) and the directory. */
export async function dashboardData(env: Env, memberId: string, programId: string) {
  const dashboard = await callActor(env.MEMBER, memberId, (member) => member.dashboard(8, 5));
  if (!dashboard) return null;
  const rewardIds = dashboard.redemptions.map((redemption) => redemption.rewardId);
  return { ...dashboard, ...(await programNames(env.DB, programId, rewardIds)) };
}
