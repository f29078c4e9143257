import type { LedgerStore } from "./ledger-store";
import type { MemberEvent, MemberEventKind, SettlementRecord } from "./member-events";

export const outboxBatchMax = 100; // a Queue batch holds at most 100 messages (§9)

export type EmitExtras = { settlements?: SettlementRecord[]; data?: MemberEvent["data"] };

/** Per-venue stats of the member: a member visits a handful of venues, so every event carries them all. */
export function venueSnapshots(store: LedgerStore) {
  return store.db
    .all<{ venue_id: string; visits: number; spend_cents: number }>("SELECT venue_id, visits, spend_cents FROM venue_stats WHERE visits > 0 ORDER BY venue_id LIMIT 200")
    .map((row) => ({ venueId: row.venue_id, visits: row.visits, spendCents: row.spend_cents }));
}

type Identity = { memberId: string; programId: string; tier: string };

/** The member's posted facts as the read side keeps them, stamped with sequence number `seq`. */
export function snapshotEvent(store: LedgerStore, identity: Identity, seq: number, kind: MemberEventKind, atMs: number, extras: EmitExtras = {}): MemberEvent {
  const counters = store.counters();
  return {
    v: 1,
    memberId: identity.memberId,
    programId: identity.programId,
    seq,
    atMs,
    kind,
    snapshot: {
      tier: identity.tier,
      available: store.balance(),
      lifetimePoints: counters.lifetime_points,
      lifetimeSpendCents: counters.lifetime_spend_cents,
      visits: counters.visits,
      debt: counters.debt,
    },
    venues: venueSnapshots(store),
    settlements: extras.settlements ?? [],
    data: extras.data ?? {},
  };
}

/**
 * Appends an event with the member's whole current snapshot; it commits with the write that caused
 * it. Whole snapshots make the newest event alone enough to rebuild the member's projection.
 */
export function emitEvent(store: LedgerStore, identity: Identity, kind: MemberEventKind, atMs: number, extras: EmitExtras = {}): void {
  const seq = store.nextEventSeq();
  store.db.run("INSERT INTO outbox (seq, payload) VALUES (?, ?)", seq, JSON.stringify(snapshotEvent(store, identity, seq, kind, atMs, extras)));
}

/** Sent events stay this long, so projections can be replayed from the actors after an incident. */
export const sentEventRetentionMs = 7 * 86_400_000;

export function unsentOutbox(store: LedgerStore): { seq: number; payload: string }[] {
  return store.db.all<{ seq: number; payload: string }>("SELECT seq, payload FROM outbox WHERE sent_at_ms IS NULL ORDER BY seq LIMIT ?", outboxBatchMax);
}

export function markSent(store: LedgerStore, seqs: number[], nowMs: number): void {
  store.db.run(`UPDATE outbox SET sent_at_ms = ? WHERE seq IN (${seqs.map(() => "?").join(",")})`, nowMs, ...seqs);
}

export function hasUnsent(store: LedgerStore): boolean {
  return store.db.one<{ seq: number }>("SELECT seq FROM outbox WHERE sent_at_ms IS NULL LIMIT 1") !== undefined;
}

export function pruneSent(store: LedgerStore, nowMs: number): void {
  store.db.run("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE sent_at_ms < ? LIMIT ?)", nowMs - sentEventRetentionMs, 500);
}

/** Events after `afterSeq`, oldest first, for replaying projections. */
export function eventsAfter(store: LedgerStore, afterSeq: number, limit: number): MemberEvent[] {
  return store.db
    .all<{ payload: string }>("SELECT payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, Math.min(limit, outboxBatchMax))
    .map((row) => JSON.parse(row.payload) as MemberEvent);
}
