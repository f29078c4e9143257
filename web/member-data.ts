import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewards, venues } from "../db/schema";
import { callActor } from "../workers/ledger/call-actor";
import { findProgram } from "../workers/programs/program-directory";
import type { Names } from "./words/ledger-words";

export type ProgramFacts = { id: string; name: string; currency: string; timezone: string };

/** The program's name, currency and time zone, and its venues' and rewards' names, for the words on a page. */
export async function programNames(db: D1Database, programId: string): Promise<{ program: ProgramFacts; names: Names }> {
  const [program, venueRows, rewardRows] = await Promise.all([
    findProgram(db, programId),
    drizzle(db).select({ id: venues.id, name: venues.name }).from(venues).where(eq(venues.programId, programId)),
    drizzle(db).select({ id: rewards.id, name: rewards.name }).from(rewards).where(and(eq(rewards.programId, programId))),
  ]);
  const venueName = new Map(venueRows.map((row) => [row.id, row.name]));
  const rewardName = new Map(rewardRows.map((row) => [row.id, row.name]));
  return {
    program: { id: program.id, name: program.name, currency: program.config.currency, timezone: program.config.timezone },
    names: { venue: (id) => (id ? (venueName.get(id) ?? "a venue") : "the program"), reward: (id) => rewardName.get(id) ?? "a reward", currency: program.config.currency },
  };
}

/** Everything the dashboard shows, read from the member's actor (live) and the directory. */
export async function dashboardData(env: Env, memberId: string, programId: string) {
  const [view, ledger, redemptions, words] = await Promise.all([
    callActor(env.MEMBER, memberId, (member) => member.view()),
    callActor(env.MEMBER, memberId, (member) => member.ledger(8, null)),
    callActor(env.MEMBER, memberId, (member) => member.redemptions(5)),
    programNames(env.DB, programId),
  ]);
  if (view.status === 404 || !ledger || !redemptions) return null;
  return { member: view.body, entries: ledger.entries, redemptions, ...words };
}
