import { DurableObject } from "cloudflare:workers";
import { cutReason } from "../../domain/token-settlement/batch-cut";
import { ChainUnreachable, SettlementChain } from "./chain-client";
import { deliverDue, oweReturns } from "./deliveries";
import { type PayoutLedger, memberPayouts } from "./member-payouts";
import { checkBatchMints, closeRun, openRun, reconcileAllPages, reconcileMembers } from "./reconcile-run";
import { advance, cutNext, type StepContext } from "./settlement-steps";
import { applySettlerSchema } from "./settler-schema";
import { type IntentIntake, SettlerStore } from "./settler-store";
import { type SettlerTiming, backoffMs, deploymentTiming } from "./settler-timing";
import { type ChainSettlementView, type ReconciliationView, chainSettlementsPage, lastReconciliation, payoutTransactions } from "./settler-views";

export { chainSettlerName } from "./settler-name";

export type SettlerStatus = { queued: number; inFlight: { batchId: number; state: string; settlementId: number | null; lastStep: string | null } | null; batches: Record<string, number>; pendingDeliveries: number; deliveredDeliveries: number };

/**
 * The singleton that turns members' payout intents into settlement transactions (issue 23). Intents
 * come in from the Queue; the alarm drives every step (cut a batch, sign, persist, send, read
 * receipts, finalise, tell members, reconcile), a bounded number per run, each one safe to crash in
 * and repeat, because each starts from what is persisted and what the chain says, never from memory.
 */
export class ChainSettler extends DurableObject<Env> {
  private readonly store: SettlerStore;
  private chainClient: SettlementChain | null = null;
  private timingCopy: SettlerTiming | null = null;
  private chainFailures = 0;
  private running: Promise<void> | null = null;
  private wakeAskedAtMs: number | null = null;
  /** The members' payout methods; a test may stand in a fake member here. */
  payouts: (memberId: string) => PayoutLedger = (memberId) => memberPayouts(this.env, memberId);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SettlerStore(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => applySettlerSchema(ctx.storage.sql));
  }

  /** Stores payout intents (idempotent by intent id) and wakes the alarm to batch them. */
  async acceptIntents(intents: readonly unknown[]): Promise<IntentIntake> {
    const nowMs = Date.now();
    const intake = this.ctx.storage.transactionSync(() => this.store.storeIntents(intents, nowMs));
    if (intake.conflicts.length > 0) console.error(`chain settler: intents ${intake.conflicts.join(", ")} arrived again with another payload; the first is kept`);
    if (intake.refused.length > 0) console.error(`chain settler: intents ${intake.refused.join(", ")} name the zero address; returned to their members`);
    if (intake.accepted > 0 || intake.refused.length > 0) await this.wakeBy(nowMs);
    return intake;
  }

  /** The cron's cut: whatever is queued goes into a batch now (when none is in flight), then the alarm sends it. */
  async cutBatch(nowMs: number): Promise<{ batchId: number | null; reason: "cron" | "in_flight" | "nothing_queued" | "chain_unreachable" }> {
    if (this.store.inFlight()) {
      await this.wakeBy(nowMs);
      return { batchId: null, reason: "in_flight" };
    }
    if (cutReason(this.store.queuedSummary(), nowMs, this.timing(), true) === null) return { batchId: null, reason: "nothing_queued" };
    let batchId: number | null;
    try {
      batchId = await cutNext(this.stepContext(), nowMs);
    } catch (error) {
      // The cut reads the block's gas limit: with the chain down, the alarm cuts once it answers (backing off).
      if (!(error instanceof ChainUnreachable)) throw error;
      await this.wakeBy(nowMs);
      return { batchId: null, reason: "chain_unreachable" };
    }
    await this.wakeBy(nowMs);
    return { batchId, reason: batchId === null ? "nothing_queued" : "cron" };
  }

  /** The cron's reconciliation: a bounded number of member pages of a run over every member, continued next time. */
  async reconcile(nowMs: number): Promise<{ runId: number; finished: boolean }> {
    const timing = this.timing();
    return reconcileAllPages(this.store, this.payouts, nowMs, timing.reconcileMembersPerPage, timing.reconcilePagesPerRun);
  }

  /** Shortens or lengthens the settler's clocks and bounds (tests, the fault run); kept across restarts. */
  async configure(overrides: Partial<SettlerTiming>): Promise<SettlerTiming> {
    const timing = { ...this.timing(), ...overrides };
    this.store.run("INSERT INTO settings (id, timing) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET timing = excluded.timing", JSON.stringify(timing));
    this.timingCopy = timing;
    this.chainClient = null;
    return timing;
  }

  async chainSettlements(programId: string, beforeBatchId: number | null, limit: number): Promise<{ items: ChainSettlementView[]; nextCursor: number | null }> {
    return chainSettlementsPage(this.store, programId, beforeBatchId, limit);
  }

  /** The transaction each of these intents (at most 50) last went out in, for those sent: a member's payouts on their way. */
  async payoutTransactions(intentIds: readonly string[]): Promise<Record<string, string>> {
    return payoutTransactions(this.store, intentIds);
  }

  /** The last reconciliation run; given a program, only its members' differences and its settlements'. */
  async lastReconciliation(programId: string | null = null): Promise<ReconciliationView | null> {
    return lastReconciliation(this.store, programId);
  }

  async status(): Promise<SettlerStatus> {
    const batch = this.store.inFlight();
    const batches = Object.fromEntries(this.store.all<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM batches GROUP BY state").map((row) => [row.state, row.n]));
    const deliveries = this.store.one<{ pending: number; delivered: number }>("SELECT COUNT(*) FILTER (WHERE delivered_at_ms IS NULL) AS pending, COUNT(*) FILTER (WHERE delivered_at_ms IS NOT NULL) AS delivered FROM deliveries")!;
    return {
      queued: this.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM intents WHERE state = 'queued'")!.n,
      inFlight: batch ? { batchId: batch.batch_id, state: batch.state, settlementId: batch.settlement_id, lastStep: batch.last_step } : null,
      batches,
      pendingDeliveries: deliveries.pending ?? 0,
      deliveredDeliveries: deliveries.delivered ?? 0,
    };
  }

  /** Abandons the batch in flight when nothing of it can still land (no attempt sent, or the token refuses it for good). */
  async abandonCutBatch(batchId: number, reason: string): Promise<{ ok: boolean }> {
    const batch = this.store.batch(batchId);
    if (!batch || batch.state !== "cut" || this.store.attempts(batchId).some((attempt) => attempt.sent_at_ms !== null && attempt.settlement_id === batch.settlement_id)) return { ok: false };
    const nowMs = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.store.run("UPDATE batches SET state = 'abandoned', abandoned_reason = ? WHERE batch_id = ?", `operator: ${reason}`, batchId);
      this.store.run("UPDATE intents SET state = 'returned' WHERE batch_id = ?", batchId);
      oweReturns(this.store, batchId, `operator: ${reason}`, nowMs);
    });
    await this.wakeBy(nowMs);
    return { ok: true };
  }

  /**
   * One run at a time: a run awaits the chain, and a second alarm invocation meanwhile (a test's
   * runDurableObjectAlarm beside the scheduled one, a retried alarm) joins it instead of stepping the
   * same batch twice. The run sets the next alarm when it ends.
   */
  override async alarm(): Promise<void> {
    if (!this.running) this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<void> {
    const nowMs = Date.now();
    let wakeAtMs: number | null;
    try {
      wakeAtMs = await this.runSteps(nowMs);
      this.chainFailures = 0;
    } catch (error) {
      // The chain did not answer, or a step crashed: the next run starts again from what is persisted.
      this.chainFailures++;
      wakeAtMs = nowMs + backoffMs(this.timing(), this.chainFailures);
      if (!(error instanceof ChainUnreachable)) console.error("chain settler: a step failed; retrying from storage", error);
    }
    const deliveriesDue = await deliverDue(this.store, this.payouts, nowMs, this.timing().deliveriesPerRunMax, this.timing().deliveryRetryMs, this.timing().backoffMaxMs);
    // An intent that arrived during the run asked for an earlier wake than the run may have computed.
    const next = [wakeAtMs, deliveriesDue, this.wakeAskedAtMs].filter((at): at is number => at !== null);
    this.wakeAskedAtMs = null;
    if (next.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Math.min(...next), Date.now()));
  }

  /** Bounded steps of the batch in flight (or the next cut); returns when there is more to do. */
  private async runSteps(nowMs: number): Promise<number | null> {
    const step = this.stepContext();
    for (let run = 0; run < this.timing().stepsPerRunMax; run++) {
      let batch = this.store.inFlight();
      if (!batch) {
        const queued = this.store.queuedSummary();
        const reason = cutReason(queued, nowMs, this.timing(), false);
        if (reason === null) return queued.oldestQueuedAtMs === null ? null : queued.oldestQueuedAtMs + this.timing().waitMaxMs;
        if ((await cutNext(step, nowMs)) === null) return null;
        batch = this.store.inFlight()!;
      }
      const result = await advance(step, batch, nowMs);
      if (result.finalBatchId !== undefined) await this.reconcileBatch(result.finalBatchId, nowMs);
      if (!result.again) return result.wakeAtMs;
    }
    return nowMs + this.timing().pollMs;
  }

  /** After a settlement is final: its receipt against its payload, and each of its members' ledgers. */
  private async reconcileBatch(batchId: number, nowMs: number): Promise<void> {
    const batch = this.store.batch(batchId)!;
    const runId = openRun(this.store, `settlement ${batch.settlement_id}`, nowMs);
    checkBatchMints(this.store, runId, batchId, batch.settlement_id!, nowMs);
    const members = this.store.all<{ member_id: string }>("SELECT DISTINCT member_id FROM intents WHERE batch_id = ?", batchId).map((row) => row.member_id);
    await reconcileMembers(this.store, this.payouts, runId, members, nowMs);
    closeRun(this.store, runId, nowMs);
  }

  private async wakeBy(atMs: number): Promise<void> {
    if (this.running) this.wakeAskedAtMs = Math.min(this.wakeAskedAtMs ?? atMs, atMs);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }

  private timing(): SettlerTiming {
    if (!this.timingCopy) {
      const stored = this.store.one<{ timing: string }>("SELECT timing FROM settings WHERE id = 1");
      this.timingCopy = { ...deploymentTiming(this.env), ...(stored ? (JSON.parse(stored.timing) as Partial<SettlerTiming>) : {}) };
    }
    return this.timingCopy;
  }

  private stepContext(): StepContext {
    if (!this.chainClient) {
      this.chainClient = new SettlementChain(
        { rpcUrl: this.env.CHAIN_RPC_URL, chainId: Number(this.env.CHAIN_ID), tokenAddress: this.env.TOKEN_ADDRESS, privateKey: this.env.SETTLER_PRIVATE_KEY },
        this.timing().rpcTimeoutMs,
      );
    }
    return {
      store: this.store,
      chain: this.chainClient,
      timing: this.timing(),
      confirmations: Math.max(1, Number(this.env.SETTLEMENT_CONFIRMATIONS) || 1),
      transaction: (write) => this.ctx.storage.transactionSync(write),
    };
  }

  /** The chain client in use (tests replace a method to make the RPC fail). */
  get chain(): SettlementChain {
    return this.stepContext().chain;
  }
}
