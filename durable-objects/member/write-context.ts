import type { MemberProfile } from "../../domain/members/member-profile";
import type { Rejection } from "../../domain/ledger/purchase-window";
import type { ProgramConfig } from "../../domain/programs/program-config";
import type { LedgerStore } from "./ledger-store";
import { type EmitExtras, emitEvent } from "./outbox";
import type { MemberEventKind } from "./member-events";

/** What a ledger command works with: the store, the member, the program's rules and the time. */
export class WriteContext {
  /** The earliest time this write made something due (a posting, a returned lot's expiry). */
  wakeAtMs: number | null = null;
  emitted = false;
  /** Set when the write owes a referrer a payout, so the actor delivers it after the commit. */
  owesReferral = false;

  constructor(
    readonly store: LedgerStore,
    public profile: MemberProfile,
    readonly config: ProgramConfig,
    readonly nowMs: number,
  ) {}

  emit(kind: MemberEventKind, atMs: number, extras?: EmitExtras): void {
    this.emitted = true;
    emitEvent(this.store, { memberId: this.profile.id, programId: this.profile.programId, tier: this.profile.tier }, kind, atMs, extras);
  }

  wakeBy(atMs: number | null): void {
    if (atMs !== null && (this.wakeAtMs === null || atMs < this.wakeAtMs)) this.wakeAtMs = atMs;
  }

  setTier(code: string): void {
    this.store.db.run("UPDATE profile SET tier = ?", code);
    this.profile = { ...this.profile, tier: code };
  }
}

export type CommandReply = { status: number; body: object };

export function rejectWith(rejection: Rejection): CommandReply {
  return { status: rejection.status ?? 422, body: { error: { code: rejection.code, message: rejection.message } } };
}
