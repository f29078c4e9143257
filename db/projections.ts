import { asc, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { MemberEvent } from "../durable-objects/member/member-events";
import { memberBalances, memberVenueStats, settlements } from "./schema";

/** The read side as either driver: D1 in the Worker, libSQL (embedded file or server) in Node. */
export type ReadSideDb = DrizzleD1Database<Record<string, never>> | LibSQLDatabase<Record<string, never>>;

/**
 * Applies member events to the projections in one batch. Snapshots carry the member's sequence
 * number and only a newer one overwrites (unless `overwrite`: a rebuild); settlements insert once by id. So any number of
 * redeliveries, in any order, leave the same tables as one in-order delivery.
 */
export async function applyMemberEvents(db: ReadSideDb, events: readonly MemberEvent[], options: { overwrite?: boolean } = {}): Promise<void> {
  // A rebuild from the actor overwrites whatever sequence the row says: the actor is the truth.
  const newer = (stored: typeof memberBalances.lastSeq | typeof memberVenueStats.lastSeq) => (options.overwrite ? undefined : sql`excluded.last_seq > ${stored}`);
  const statements = events.flatMap((event) => [
    db
      .insert(memberBalances)
      .values({ memberId: event.memberId, programId: event.programId, ...event.snapshot, lastSeq: event.seq })
      .onConflictDoUpdate({
        target: memberBalances.memberId,
        set: {
          tier: sql`excluded.tier`,
          available: sql`excluded.available`,
          lifetimePoints: sql`excluded.lifetime_points`,
          lifetimeSpendCents: sql`excluded.lifetime_spend_cents`,
          visits: sql`excluded.visits`,
          debt: sql`excluded.debt`,
          lastSeq: sql`excluded.last_seq`,
        },
        setWhere: newer(memberBalances.lastSeq),
      }),
    ...event.venues.map((venue) =>
      db
        .insert(memberVenueStats)
        .values({ memberId: event.memberId, programId: event.programId, ...venue, lastSeq: event.seq })
        .onConflictDoUpdate({
          target: [memberVenueStats.memberId, memberVenueStats.venueId],
          set: { visits: sql`excluded.visits`, spendCents: sql`excluded.spend_cents`, lastSeq: sql`excluded.last_seq` },
          setWhere: newer(memberVenueStats.lastSeq),
        }),
    ),
    ...event.settlements.map((settlement) => db.insert(settlements).values(settlement).onConflictDoNothing()),
  ]);
  if (statements.length === 0) return;
  await (db as DrizzleD1Database<Record<string, never>>).batch(statements as [any, ...any[]]);
}

/** Every projected row in a stable order: equal digests mean equal read sides. */
export async function projectionRows(db: ReadSideDb) {
  return {
    balances: await db.select().from(memberBalances).orderBy(asc(memberBalances.memberId)),
    venues: await db.select().from(memberVenueStats).orderBy(asc(memberVenueStats.memberId), asc(memberVenueStats.venueId)),
    settlements: await db.select().from(settlements).orderBy(asc(settlements.id)),
  };
}
