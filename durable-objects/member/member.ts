import { DurableObject } from "cloudflare:workers";
import { adjustmentIdFor, purchaseIdFor, redemptionIdFor, refundIdFor } from "../../domain/ids/derived-ids";
import { decideEnrollment } from "../../domain/members/enrollment";
import type { MemberProfile } from "../../domain/members/member-profile";
import type { ProgramConfig } from "../../domain/programs/program-config";
import type { RedemptionState } from "../../domain/rewards/stock-units";
import { adjustPoints } from "./adjustment";
import { CountedSql } from "./counted-sql";
import { type EligibilityCommand, memberEligibility } from "./eligibility";
import { idempotencyRetentionMs, purgeExpiredKeys, runIdempotent } from "./idempotency-store";
import { assertLedgerInvariants } from "./invariants";
import { LedgerStore } from "./ledger-store";
import type { MemberEvent, SettlementRecord } from "./member-events";
import { ledgerPage, recentRedemptions, memberView } from "./member-view";
import { emitEvent, eventsAfter, snapshotEvent, hasUnsent, markSent, pruneSent, sentEventRetentionMs, unsentOutbox } from "./outbox";
import { insertProfile, readProfile } from "./profile-store";
import { recordPurchase, replayPurchase } from "./purchase";
import { cancelRedemption, consumeRedemption, redeemReward } from "./redemption";
import { refundPurchase } from "./refund";
import { creditCommunity } from "./community-credit";
import { type ReferralCommand, creditReferral, deliverReferrals, hasReferralSync, noteReferralPending, owedReferrals } from "./referral";
import { joinBonusPaidFor, refuseActionCredit } from "../../domain/community/action-guards";
import { claimStreak } from "./streak-claim";
import { recordChatMessage } from "./chat-messages";
import {
  type AdjustCommand,
  type CancelPayoutRelinkCommand,
  type ChatMessageCommand,
  type PinPayoutWalletCommand,
  type CommunityActionCommand,
  type ProgramContext,
  type EnrollCommand,
  type EnrollReply,
  type ErrorBody,
  type ProfileReply,
  type PurchaseCommand,
  type RedeemCommand,
  type RedeemReply,
  type RedemptionActionCommand,
  type RefundCommand,
  type Reply,
  type VenueContext,
  type WriteEnvelope,
  assertVersion,
  redeemCommandFromV1,
} from "./rpc-types";
import { deliverStockSync, hasStockSync, redemptionState } from "./stock-sync";
import { deliverPayoutIntents, nextPayoutDeliveryMs } from "./payout-outbox";
import { cancelPayoutRelink, payoutWalletView, pinAtEnrollment, pinPayoutWallet } from "./payout-wallet";
import {
  type ConfirmPayoutCommand,
  type ConfirmPayoutResult,
  type ReturnPayoutCommand,
  type ReturnPayoutResult,
  confirmPayout,
  cutTokenPayout,
  payoutLedger,
  payoutPage,
  returnPayout,
} from "./token-payout";
import { applySchema, hasSchema } from "./storage-schema";
import { nextDueMs, runDue } from "./time-driven";
import { type CommandReply, WriteContext, rejectWith } from "./write-context";

const retryMs = 5_000;
const alarmBackoffMaxMs = 10 * 60_000;
const notFound = { status: 404, body: { error: { code: "member_not_found", message: "No such member" } } } as const;
class DryRunRollback extends Error {}

/**
 * One object per member: it decides every change to the member's points and records it in its own
 * SQLite storage. Each write runs its idempotency check, decision, journal entries and outbox rows
 * in one synchronous transaction (no await inside), so requests for one member are serialised,
 * never interleave, and a crash leaves either all of a write or none of it.
 */
export class Member extends DurableObject<Env> {
  private readonly db: CountedSql;
  private readonly store: LedgerStore;
  private configJson: string | null = null;
  /**
   * The profile as stored: only this object writes it, so it is read once and kept. A transaction
   * that could change it (enrollment, the alarm's run, a failed or rolled-back write) drops the copy.
   */
  private profileCopy: MemberProfile | null | undefined;
  private flushing = false;
  /** The alarm time this object last set (undefined: not read yet), to skip storage calls when unchanged. */
  private alarmAtMs: number | null | undefined;

  /** Whether this object holds a member's tables: an unknown id is answered without writing storage. */
  private hasTables: boolean;
  private alarmFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = new CountedSql(ctx.storage.sql);
    this.store = new LedgerStore(this.db);
    this.hasTables = hasSchema(ctx.storage.sql);
    if (this.hasTables) ctx.blockConcurrencyWhile(async () => applySchema(ctx.storage.sql));
  }

  async enroll(command: EnrollCommand): Promise<EnrollReply> {
    assertVersion(command.v);
    if (!this.hasTables) {
      applySchema(this.ctx.storage.sql);
      this.hasTables = true;
    }
    const now = new Date();
    let wakeAtMs: number | null = null;
    const reply = this.ctx.storage.transactionSync(() =>
      runIdempotent(this.db, { memberId: command.request.id, key: command.idempotencyKey }, command.requestHash, now.getTime(), () => {
        const decision = decideEnrollment(this.currentProfile(), command.request, now);
        if (decision.kind === "referrer_already_set") return { status: decision.status, body: { error: { code: decision.code, message: decision.message } } };
        if (decision.kind === "already_enrolled") return { status: 200 as const, body: decision.profile };
        insertProfile(this.db, decision.profile);
        if (command.payoutWallet) pinAtEnrollment(this.store, command.payoutWallet, now.getTime());
        const { id: memberId, programId, tier } = decision.profile;
        emitEvent(this.store, { memberId, programId, tier }, "enrolled", now.getTime());
        if (!command.program) return { status: 201 as const, body: decision.profile };
        const joined = this.joined(decision.profile, command.program, now.getTime());
        wakeAtMs = joined.wakeAtMs;
        return { status: 201 as const, body: joined.profile };
      }),
    );
    this.profileCopy = undefined;
    await this.afterWrite(now.getTime(), wakeAtMs, reply.status === 201, reply.status === 201 && hasReferralSync(this.store));
    return reply as EnrollReply;
  }

  /**
   * A new member has joined, in the enrollment's transaction: a community member's join bonus is
   * credited (held until the member is verified, §7a; none when a venue key enrolled them), and the
   * referrer hears of a pending referral. The coalesced snapshot and decay warnings wake the alarm.
   */
  private joined(profile: MemberProfile, program: ProgramContext, nowMs: number): { profile: MemberProfile; wakeAtMs: number | null } {
    this.syncConfig(program.config);
    const ctx = new WriteContext(this.store, profile, program.config, nowMs);
    if (program.config.community && joinBonusPaidFor(profile.enrolledVia)) creditCommunity(ctx, { kind: "join", sourceId: "join", occurredAtMs: nowMs });
    noteReferralPending(ctx);
    assertLedgerInvariants(this.store);
    return { profile: ctx.profile, wakeAtMs: ctx.wakeAtMs };
  }

  /** Credits a community action: the one path for operators' custom actions, rooms, chat callbacks and governance. */
  async creditAction(command: CommunityActionCommand): Promise<Reply> {
    // A credit spends nothing, so like a purchase it needs no catch-up with what is due first.
    // Whoever calls, reserved kinds and times outside the window are refused here (issue 20).
    return this.write(command, false, (ctx) => {
      const refused = refuseActionCredit(command.kind, command.occurredAtMs, ctx.nowMs);
      if (refused) return rejectWith(refused);
      return creditCommunity(ctx, { kind: command.kind, sourceId: command.sourceId, occurredAtMs: command.occurredAtMs ?? ctx.nowMs, timeGiven: command.occurredAtMs !== undefined });
    });
  }

  /** A chat message from a Tencent Chat callback: counted toward the day's chat_activity, which it credits once the day meets the rule. */
  async recordChatMessage(command: ChatMessageCommand): Promise<Reply> {
    return this.write({ ...command, requestHash: "" }, false, (ctx) => recordChatMessage(ctx, command.message));
  }

  /** The daily streak claim (once per local day). */
  async claimStreak(command: WriteEnvelope): Promise<Reply> {
    return this.write(command, true, (ctx) => claimStreak(ctx));
  }

  /** A payout owed by a member this member referred (sent by that member's actor until it lands). */
  async creditReferral(command: ReferralCommand): Promise<Reply> {
    return this.write({ ...command, requestHash: "" }, true, (ctx) => creditReferral(ctx, command));
  }

  /** Referral messages this member owes its referrers, and the parked ones with their reasons (operators). */
  async referralPayouts() {
    if (!this.currentProfile()) return null;
    return owedReferrals(this.store);
  }

  async profile(): Promise<ProfileReply> {
    const profile = this.currentProfile();
    if (!profile) return notFound;
    return { status: 200, body: profile };
  }

  async purchase(command: PurchaseCommand): Promise<Reply> {
    return this.write(command, false, (ctx, key) => recordPurchase(ctx, command, purchaseIdFor(ctx.profile.id, key!)));
  }

  async refund(command: RefundCommand): Promise<Reply> {
    return this.write(command, true, (ctx, key) => refundPurchase(ctx, command, refundIdFor(ctx.profile.id, key!)));
  }

  async adjust(command: AdjustCommand): Promise<Reply> {
    return this.write(command, true, (ctx, key) => adjustPoints(ctx, command, adjustmentIdFor(ctx.profile.id, key!)));
  }

  /** Redeems, and says what it durably holds for the redemption id: the reward's stock follows that. */
  async redeem(received: RedeemCommand, v1Ids?: { redemptionId: string; code: string }): Promise<RedeemReply> {
    const command = redeemCommandFromV1(received, v1Ids);
    const reply = await this.write(command, true, (ctx, key) => redeemReward(ctx, command, redemptionIdFor(ctx.profile.id, key!)));
    // The durable state of the key's redemption, whatever this call's answer was (a replay, a
    // reused key, a refusal): the stock must follow the redemption, never one HTTP answer.
    const profile = this.currentProfile();
    const absent = { state: "absent" as RedemptionState, token: null };
    if (!profile || command.dryRun || command.idempotencyKey === undefined) return { ...reply, redemption: absent };
    return { ...reply, redemption: redemptionState(this.store, redemptionIdFor(profile.id, command.idempotencyKey), command.reward.id) };
  }

  async consumeRedemption(command: RedemptionActionCommand): Promise<Reply> {
    return this.afterStockSync(await this.write({ ...command, requestHash: "" }, false, (ctx) => consumeRedemption(ctx, command)));
  }

  async cancelRedemption(command: RedemptionActionCommand): Promise<Reply> {
    return this.afterStockSync(await this.write({ ...command, requestHash: "" }, true, (ctx) => cancelRedemption(ctx, command)));
  }

  /** Pins a payout wallet: the first pin at once, a change after the cooling-off period (audited). */
  async pinPayoutWallet(command: PinPayoutWalletCommand): Promise<Reply> {
    return this.write({ ...command, requestHash: "" }, false, (ctx) => pinPayoutWallet(ctx, command.address, command.by));
  }

  /** Cancels the payout wallet change still cooling off (404 no_pending_relink when none). */
  async cancelPayoutRelink(command: CancelPayoutRelinkCommand): Promise<Reply> {
    return this.write({ ...command, requestHash: "" }, false, (ctx) => cancelPayoutRelink(ctx, command.by));
  }

  /** The pinned payout wallet, a relink cooling off and the audit trail (null: no such member). */
  async payoutWallet(nowMs = Date.now()) {
    if (!this.currentProfile()) return null;
    return payoutWalletView(this.store, nowMs);
  }

  /**
   * Cuts a token payout: reserves the member's settleable points and puts the intent in the payout
   * outbox in one transaction; the intent goes to the settlement Queue right after, or from the alarm.
   */
  async cutTokenPayout(command: WriteEnvelope): Promise<Reply> {
    const reply = await this.write(command, true, (ctx) => cutTokenPayout(ctx));
    if (reply.status === 201 && !reply.replayed && !command.dryRun) this.ctx.waitUntil(this.deliverPayouts());
    return reply;
  }

  /** The member's payouts, newest first (null: no such member). */
  async tokenPayouts(limit: number, beforeSeq: number | null) {
    if (!this.currentProfile()) return null;
    return payoutPage(this.store, limit, beforeSeq);
  }

  /** The ChainSettler: the payout's settlement is final. Idempotent. */
  async confirmTokenPayout(command: ConfirmPayoutCommand): Promise<ConfirmPayoutResult> {
    assertVersion(command.v);
    return (await this.settlerWrite((ctx) => confirmPayout(ctx, command))) ?? { ok: false, code: "unknown_intent" };
  }

  /** The ChainSettler: the payout's batch was abandoned; the points come back. Idempotent. */
  async returnTokenPayout(command: ReturnPayoutCommand): Promise<ReturnPayoutResult> {
    assertVersion(command.v);
    const nowMs = Date.now();
    this.catchUp(nowMs);
    const result = await this.settlerWrite((ctx) => returnPayout(ctx, command), nowMs);
    return result ?? { ok: false, code: "unknown_intent" };
  }

  /** The member's token totals for reconciliation. */
  async tokenPayoutLedger(): Promise<{ memberId: string; reservedTokenAmount: string; settledTokenAmount: string; reserved: { intentId: string; tokenAmount: string }[] }> {
    const profile = this.currentProfile();
    if (!profile) return { memberId: this.ctx.id.name ?? "", reservedTokenAmount: "0", settledTokenAmount: "0", reserved: [] };
    return payoutLedger(this.store, profile.id);
  }

  /** A write the ChainSettler asks for (no program context: the actor's stored rules), in one transaction with the invariants checked. */
  private async settlerWrite<T>(apply: (ctx: WriteContext) => T, nowMs = Date.now()): Promise<T | null> {
    const profile = this.currentProfile();
    const config = this.storedConfig();
    if (!profile || !config) return null;
    const ctx = new WriteContext(this.store, profile, config, nowMs);
    const result = this.ctx.storage.transactionSync(() => {
      this.store.balanceChanged = false;
      const applied = apply(ctx);
      if (this.store.balanceChanged) assertLedgerInvariants(this.store);
      return applied;
    });
    // Returned lots may be due for their expiry warning or expiry: the alarm is set before the answer.
    await this.afterWrite(nowMs, ctx.wakeAtMs, ctx.emitted);
    return result;
  }

  /**
   * The reward's stock asks about a hold nobody settled. The answer is durable: either the
   * redemption exists (its state), or it is refused from now on (its hold token is recorded as
   * lapsed), so a slow redemption can never be issued on a unit the stock gave back.
   */
  async settleHold(redemptionId: string, holdToken: string | null): Promise<{ state: RedemptionState; token: string | null }> {
    if (!this.hasTables) return { state: "absent", token: null };
    return this.ctx.storage.transactionSync(() => {
      const held = redemptionState(this.store, redemptionId);
      if (held.state === "absent" && holdToken !== null) {
        this.db.run("INSERT INTO lapsed_holds (redemption_id, hold_token) VALUES (?, ?) ON CONFLICT DO NOTHING", redemptionId, holdToken);
      }
      return held;
    });
  }

  /** Each reward's member-side eligibility, decided exactly as a redemption would. */
  async eligibility(command: EligibilityCommand) {
    assertVersion(command.v);
    const nowMs = command.nowMs ?? Date.now();
    if (this.currentProfile()?.programId !== command.program.id) return null;
    this.catchUp(nowMs);
    return memberEligibility(this.store, this.currentProfile()!, command, nowMs);
  }

  async view(nowMs = Date.now()): Promise<{ status: 200; body: ReturnType<typeof memberView> } | { status: 404; body: ErrorBody }> {
    if (!this.currentProfile()) return notFound;
    this.catchUp(nowMs);
    return { status: 200, body: memberView(this.store, this.currentProfile()!, this.storedConfig(), nowMs) };
  }

  async ledger(limit: number, beforeSeq: number | null) {
    const profile = this.currentProfile();
    if (!profile) return null;
    return { programId: profile.programId, ...ledgerPage(this.store, limit, beforeSeq) };
  }

  /** What the member's home page shows, in one call: the view, the latest entries and redemptions. */
  async dashboard(entryLimit: number, redemptionLimit: number, nowMs = Date.now()) {
    const profile = this.currentProfile();
    if (!profile) return null;
    this.catchUp(nowMs);
    return {
      member: memberView(this.store, this.currentProfile()!, this.storedConfig(), nowMs),
      entries: ledgerPage(this.store, entryLimit, null).entries,
      redemptions: recentRedemptions(this.store, redemptionLimit),
    };
  }

  async redemptions(limit: number) {
    if (!this.currentProfile()) return null;
    return recentRedemptions(this.store, limit);
  }

  /** The member's session epoch (null: no such member); a session made under an older epoch is over. */
  async sessionEpoch(): Promise<number | null> {
    if (!this.currentProfile()) return null;
    return this.db.one<{ session_epoch: number }>("SELECT session_epoch FROM counters WHERE id = 1")!.session_epoch;
  }

  /** Ends every session of the member at once: one write, which also dates it for login links issued before. */
  async signOutEverywhere(nowMs = Date.now()): Promise<number | null> {
    if (!this.currentProfile()) return null;
    return this.db.one<{ session_epoch: number }>("UPDATE counters SET session_epoch = session_epoch + 1, signed_out_at_ms = ? WHERE id = 1 RETURNING session_epoch", nowMs)!.session_epoch;
  }

  /** When the member last signed out everywhere (null: never, or no such member). */
  async signedOutAt(): Promise<number | null> {
    if (!this.currentProfile()) return null;
    return this.db.one<{ signed_out_at_ms: number | null }>("SELECT signed_out_at_ms FROM counters WHERE id = 1")!.signed_out_at_ms;
  }

  /** The member's current projection, as one event: rebuilding the read side from the actors. */
  async projectionSnapshot(): Promise<MemberEvent | null> {
    const profile = this.currentProfile();
    if (!profile) return null;
    const settlements = this.db.all<{ payload: string }>("SELECT payload FROM settlements ORDER BY id").map((row) => JSON.parse(row.payload) as SettlementRecord);
    const identity = { memberId: profile.id, programId: profile.programId, tier: profile.tier };
    return snapshotEvent(this.store, identity, this.store.counters().event_seq, "enrolled", Date.now(), { settlements });
  }

  /** The member's recent events (kept 7 days after sending), to replay projections. */
  async events(afterSeq: number, limit: number): Promise<MemberEvent[]> {
    if (!this.hasTables) return [];
    return eventsAfter(this.store, afterSeq, limit);
  }

  /** Statements and rows this object has run since it started (the bench counts a purchase's cost). */
  async sqlStats() {
    return this.db.stats();
  }

  /**
   * Alarms are retried only a few times (§9): a run that fails sets the next alarm itself, with
   * backoff, so posting and expiry are late at worst, never stopped. Writes and reads also catch up.
   */
  override async alarm(): Promise<void> {
    try {
      await this.processDue(Date.now());
      this.alarmFailures = 0;
    } catch (error) {
      this.alarmFailures++;
      console.error("member alarm failed; retrying with backoff", error);
      this.alarmAtMs = Date.now() + Math.min(retryMs * 2 ** this.alarmFailures, alarmBackoffMaxMs);
      await this.ctx.storage.setAlarm(this.alarmAtMs);
    }
  }

  /** Everything time-based, bounded per run: posting, expiry warnings, expiry, key purge, stock follow-ups. */
  async processDue(nowMs: number = Date.now()): Promise<void> {
    if (!this.hasTables) return;
    const profile = this.currentProfile();
    const config = this.storedConfig();
    this.ctx.storage.transactionSync(() => {
      if (profile && config) {
        runDue(new WriteContext(this.store, profile, config, nowMs));
        assertLedgerInvariants(this.store);
      }
      purgeExpiredKeys(this.db, nowMs);
      pruneSent(this.store, nowMs);
    });
    this.profileCopy = undefined;
    if (hasStockSync(this.store)) await deliverStockSync(this.store, this.env.REWARD_STOCK);
    if (hasReferralSync(this.store)) await this.deliverOwedReferrals();
    await this.deliverPayouts(nowMs);
    await this.scheduleFromState(nowMs);
  }

  /**
   * Posts and expires what is due before a read or a write that spends or returns points, in case
   * the alarm is late: expired lots are never spent, due points are never missing.
   */
  private catchUp(nowMs: number): void {
    const profile = this.currentProfile();
    const config = this.storedConfig();
    if (!profile || !config) return;
    const due = nextDueMs(new WriteContext(this.store, profile, config, nowMs));
    if (due === null || due > nowMs) return;
    this.ctx.storage.transactionSync(() => {
      const ctx = new WriteContext(this.store, profile, config, nowMs);
      runDue(ctx);
      assertLedgerInvariants(this.store);
      if (ctx.emitted) this.ctx.waitUntil(this.flushOutbox());
      if (ctx.owesReferral) this.ctx.waitUntil(this.deliverOwedReferrals());
    });
    this.profileCopy = undefined;
  }

  /** A consume or cancel of a stocked redemption: its stock follows before the answer, or from the alarm. */
  private async afterStockSync(reply: Reply): Promise<Reply> {
    if (!this.hasTables || !hasStockSync(this.store)) return reply;
    try {
      await deliverStockSync(this.store, this.env.REWARD_STOCK);
    } catch (error) {
      console.error("stock follow-up failed; retrying from the alarm", error);
      this.alarmAtMs = Date.now() + retryMs;
      await this.ctx.storage.setAlarm(this.alarmAtMs);
    }
    return reply;
  }

  private write(
    command: WriteEnvelope,
    touchesLots: boolean,
    decide: (ctx: WriteContext, key: string | undefined) => CommandReply & { replayed?: boolean; recorded?: boolean; transient?: boolean },
  ): Reply | Promise<Reply> {
    assertVersion(command.v);
    const nowMs = command.nowMs ?? Date.now();
    const profile = this.currentProfile();
    // Another program's member answers as an unknown one: a venue key learns nothing of other programs.
    if (!profile || profile.programId !== command.program.id) return { ...notFound, replayed: false };
    if (touchesLots && !command.dryRun) this.catchUp(nowMs);
    const ctx = new WriteContext(this.store, this.currentProfile()!, command.program.config, nowMs);
    const apply = () => {
      this.syncConfig(command.program.config);
      let naturalReplay = false;
      this.store.balanceChanged = false;
      const reply = runIdempotent(
        this.db,
        { memberId: ctx.profile.id, key: command.idempotencyKey },
        command.requestHash,
        nowMs,
        () => {
          const { replayed, ...decided } = decide(ctx, command.idempotencyKey);
          naturalReplay = replayed === true;
          if (decided.status < 300 && this.store.balanceChanged) assertLedgerInvariants(this.store);
          return decided;
        },
        (purchaseId) => replayPurchase(this.store, ctx.profile.id, purchaseId),
      );
      return { ...reply, replayed: reply.replayed || naturalReplay };
    };
    if (command.dryRun) return this.dryRun(apply);
    let reply: Reply;
    try {
      reply = this.ctx.storage.transactionSync(apply);
    } catch (error) {
      this.profileCopy = undefined;
      throw error;
    }
    this.profileCopy = ctx.profile;
    return this.afterWrite(nowMs, ctx.wakeAtMs, ctx.emitted && !reply.replayed, ctx.owesReferral).then(() => reply);
  }

  /** Runs the real write and rolls it back: the same answer, nothing stored (not even the key). */
  private dryRun(apply: () => Reply): Reply {
    let reply: Reply | undefined;
    try {
      this.ctx.storage.transactionSync(() => {
        reply = apply();
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    this.configJson = null;
    this.profileCopy = undefined;
    return { ...reply!, replayed: false };
  }

  private currentProfile(): MemberProfile | null {
    if (!this.hasTables) return null;
    if (this.profileCopy === undefined) this.profileCopy = readProfile(this.db);
    return this.profileCopy;
  }

  private storedConfig(): ProgramConfig | null {
    if (this.configJson === null) this.configJson = this.db.one<{ program_config: string }>("SELECT program_config FROM settings WHERE id = 1")?.program_config ?? null;
    return this.configJson === null ? null : (JSON.parse(this.configJson) as ProgramConfig);
  }

  /** The actor keeps the program's rules it last saw, for the alarm, which has no request to bring them. */
  private syncConfig(config: ProgramConfig): void {
    const json = JSON.stringify(config);
    if (json === this.configJson) return;
    this.db.run("INSERT INTO settings (id, program_config) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET program_config = excluded.program_config", json);
    this.configJson = json;
  }

  /**
   * After a request's write: send its events, and make sure the alarm wakes no later than what the
   * write made due, or the retention horizon of the key and event it stored. Waking early is
   * harmless (the alarm works out the true next time), so most writes touch no alarm at all.
   */
  private async afterWrite(nowMs: number, dueMs: number | null, emitted: boolean, owesReferral = false): Promise<void> {
    if (emitted) this.ctx.waitUntil(this.flushOutbox());
    // Owed payouts not delivered now (this write did not owe one, or a delivery failed) go from the alarm.
    if (owesReferral) this.ctx.waitUntil(this.deliverOwedReferrals());
    const wakeBy = Math.min(dueMs ?? Number.POSITIVE_INFINITY, nowMs + sentEventRetentionMs);
    if (this.alarmAtMs === undefined) this.alarmAtMs = await this.ctx.storage.getAlarm();
    // A cached time in the past is an alarm that ran, failed for good or never fired: set it again.
    if (this.alarmAtMs !== null && this.alarmAtMs <= wakeBy && this.alarmAtMs > Date.now() - retryMs) return;
    this.alarmAtMs = Math.max(wakeBy, Date.now());
    await this.ctx.storage.setAlarm(this.alarmAtMs);
  }

  /** After the alarm's run: the true next time anything is due, from the stored state. */
  private async scheduleFromState(nowMs: number): Promise<void> {
    const profile = this.currentProfile();
    const config = this.storedConfig();
    const candidates: number[] = [];
    const due = profile && config ? nextDueMs(new WriteContext(this.store, profile, config, nowMs)) : null;
    if (due !== null) candidates.push(due);
    const purge = this.db.one<{ oldest: number | null }>("SELECT MIN(created_at_ms) AS oldest FROM idempotency")?.oldest;
    if (purge != null) candidates.push(purge + idempotencyRetentionMs);
    const sent = this.db.one<{ oldest: number | null }>("SELECT MIN(sent_at_ms) AS oldest FROM outbox WHERE sent_at_ms IS NOT NULL")?.oldest;
    if (sent != null) candidates.push(sent + sentEventRetentionMs);
    if (hasUnsent(this.store)) this.ctx.waitUntil(this.flushOutbox());
    if (hasStockSync(this.store) || hasReferralSync(this.store)) candidates.push(nowMs + retryMs);
    const payout = nextPayoutDeliveryMs(this.store);
    if (payout !== null) candidates.push(payout);
    if (candidates.length === 0) {
      await this.ctx.storage.deleteAlarm();
      this.alarmAtMs = null;
      return;
    }
    this.alarmAtMs = Math.max(Math.min(...candidates), Date.now());
    await this.ctx.storage.setAlarm(this.alarmAtMs);
  }

  /** Pays referrers what this member's actions owe them; on failure the alarm retries. */
  private async deliverOwedReferrals(): Promise<void> {
    const profile = this.currentProfile();
    const config = this.storedConfig();
    if (!profile || !config) return;
    try {
      await deliverReferrals(this.store, this.env.MEMBER, { id: profile.programId, config }, Date.now());
    } catch (error) {
      console.error("referral payout failed; retrying from the alarm", error);
      this.alarmAtMs = Date.now() + retryMs;
      await this.ctx.storage.setAlarm(this.alarmAtMs);
    }
  }

  /** Sends due payout intents to the settlement Queue; on failure the alarm retries with backoff. */
  private async deliverPayouts(nowMs = Date.now()): Promise<void> {
    try {
      await deliverPayoutIntents(this.store, this.env.SETTLEMENT, nowMs);
    } catch (error) {
      console.error("payout intent delivery failed; retrying from the alarm", error);
      const retryAtMs = nextPayoutDeliveryMs(this.store) ?? Date.now() + retryMs;
      if (this.alarmAtMs === undefined) this.alarmAtMs = await this.ctx.storage.getAlarm();
      if (this.alarmAtMs === null || this.alarmAtMs > retryAtMs) {
        this.alarmAtMs = retryAtMs;
        await this.ctx.storage.setAlarm(retryAtMs);
      }
    }
  }

  /** Sends outbox rows to the projections Queue in batches; on failure the alarm retries. */
  private async flushOutbox(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let rows = unsentOutbox(this.store); rows.length > 0; rows = unsentOutbox(this.store)) {
        await this.env.OUTBOX.sendBatch(rows.map((row) => ({ body: JSON.parse(row.payload) as MemberEvent })));
        markSent(this.store, rows.map((row) => row.seq), Date.now());
      }
    } catch (error) {
      console.error("outbox flush failed; retrying from the alarm", error);
      this.alarmAtMs = Date.now() + retryMs;
      await this.ctx.storage.setAlarm(this.alarmAtMs);
    } finally {
      this.flushing = false;
    }
  }
}

export type { VenueContext };
