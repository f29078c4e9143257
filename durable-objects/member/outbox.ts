import type { LedgerStore } from "./ledger-store";
import type { MemberEvent, MemberEventKind, SettlementRecord } from "./member-events";

export const outboxBatchMax = 100; // a Queue batch holds at most 100 messages (§9)

export type EmitExtras = { venueIds?: string[]; settlements?: SettlementRecord[]; data?: MemberEvent["data"] };

/** Appends an event with the member's current snapshot; it commits with the write that caused it. */
export function emitEvent(store: LedgerStore, identity: { memberId: string; programId: string; tier: string }, kind: MemberEventKind, atMs: number, extras: EmitExtras = {}): void {
  const counters = store.counters();
  const seq = store.nextEventSeq();
  const venues = (extras.venueIds ?? []).flatMap((venueId) => {
    const stats = store.venueStats(venueId);
    return stats ? [{ venueId, purchases: stats.purchases, visits: stats.visits, spendCents: stats.spend_cents }] : [];
  });
  const event: MemberEvent = {
    v: 1,
    memberId: identity.memberId,
    programId: identity.programId,
    seq,
    atMs,
    kind,
    snapshot: {
      tier: identity.tier,
      available: store.balance(),
      pending: store.pendingPoints(),
      lifetimePoints: counters.lifetime_points,
      lifetimeSpendCents: counters.lifetime_spend_cents,
      visits: counters.visits,
      debt: counters.debt,
    },
    venues,
    settlements: extras.settlements ?? [],
    data: extras.data ?? {},
  };
  store.db.run("INSERT INTO outbox (seq, payload) VALUES (?, ?)", seq, JSON.stringify(event));
}

export function pendingOutbox(store: LedgerStore): { seq: number; payload: string }[] {
  return store.db.all<{ seq: number; payload: string }>("SELECT seq, payload FROM outbox ORDER BY seq LIMIT ?", outboxBatchMax);
}

export function deleteOutbox(store: LedgerStore, upToSeq: number): void {
  store.db.run("DELETE FROM outbox WHERE seq <= ?", upToSeq);
}

export function hasOutbox(store: LedgerStore): boolean {
  return store.db.one<{ n: number }>("SELECT COUNT(*) AS n FROM outbox")!.n > 0;
}
