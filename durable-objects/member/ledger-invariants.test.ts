import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RewardRules, unrestricted } from "../../domain/rewards/reward-rules";
import { call } from "../../test/api";
import { coalition, enroll } from "../../test/ledger";
import { type ProgramContext, type Reply, type VenueContext, memberRpcVersion } from "./rpc-types";

type Command =
  | { kind: "purchase"; venue: number; amountCents: number; replay: boolean }
  | { kind: "refund"; purchase: number; percent: number; replay: boolean }
  | { kind: "advance"; hours: number }
  | { kind: "redeem"; venue: number; cost: number; replay: boolean }
  | { kind: "cancel"; redemption: number }
  | { kind: "consume"; redemption: number }
  | { kind: "reuseKey"; of: number; as: "refund" | "redeem" | "purchase" };

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("purchase" as const), venue: fc.nat(1), amountCents: fc.integer({ min: 1, max: 60_000 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant("refund" as const), purchase: fc.nat(), percent: fc.integer({ min: 1, max: 100 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 400 }) }),
  fc.record({ kind: fc.constant("redeem" as const), venue: fc.nat(1), cost: fc.integer({ min: 1, max: 600 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant("cancel" as const), redemption: fc.nat() }),
  fc.record({ kind: fc.constant("consume" as const), redemption: fc.nat() }),
  fc.record({ kind: fc.constant("reuseKey" as const), of: fc.nat(), as: fc.constantFrom("refund" as const, "redeem" as const, "purchase" as const) }),
);

const ledgerTotals = (memberId: string) =>
  runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => {
    const one = (query: string) => state.storage.sql.exec<{ n: number }>(query).one().n;
    return {
      lots: one("SELECT COALESCE(SUM(remaining), 0) AS n FROM lots"),
      journal: one("SELECT COALESCE(SUM(delta), 0) AS n FROM entries"),
      negativeLots: one("SELECT COUNT(*) AS n FROM lots WHERE remaining < 0"),
      lifetime: one("SELECT lifetime_points AS n FROM counters"),
      debt: one("SELECT debt AS n FROM counters"),
      pending: one("SELECT COALESCE(SUM(points - reversed_points), 0) AS n FROM purchases WHERE status = 'pending'"),
    };
  });

describe("the Member actor's ledger under random sequences", () => {
  it("keeps balance = Σ lots = Σ journal ≥ 0, never debt beside spendable points, one key per request, through replays too", async () => {
    const { program, venues } = await coalition(2, undefined, [{}, { maxCrossVenueRedemptionPercent: 60, revenueSharePercent: 5 }]);
    const programContext: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
    const venueContexts: VenueContext[] = (await call("GET", `/v1/programs/${program.id}/venues`)).json.venues;
    let run = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 5, maxLength: 30 }), async (commands) => {
        const memberId = await enroll(venues[0].key, `property-${run++}`);
        const stub = env.MEMBER.getByName(memberId);
        let nowMs = Date.now();
        // Keys a request used, with when: a key is refused for another request while it is kept (≥ 7 days).
        const usedKeys: { key: string; atMs: number }[] = [];
        const purchases: { id: string; venueId: string; amountCents: number }[] = [];
        const redemptions: string[] = [];
        for (const [index, command] of commands.entries()) {
          const key = `${memberId}-${index}`;
          if (command.kind === "purchase" || command.kind === "redeem" || (command.kind === "refund" && purchases.length > 0)) usedKeys.push({ key, atMs: nowMs });
          const envelope = { v: memberRpcVersion, idempotencyKey: key, requestHash: `${command.kind}-${index}`, program: programContext, nowMs } as const;
          const twice = async (send: () => Promise<Reply>, replay: boolean) => {
            const first = await send();
            if (replay) expect(await send()).toEqual({ ...first, replayed: first.status < 300 || first.status === 422 ? true : first.replayed });
            return first;
          };
          if (command.kind === "purchase") {
            const venue = venueContexts[command.venue];
            const reply = await twice(() => stub.purchase({ ...envelope, venue, amountCents: command.amountCents, occurredAt: new Date(nowMs - 3_600_000).toISOString() }), command.replay);
            expect(reply.status).toBe(201);
            purchases.push({ id: (reply.body as { purchaseId: string }).purchaseId, venueId: venue.id, amountCents: command.amountCents });
          } else if (command.kind === "refund" && purchases.length > 0) {
            const target = purchases[command.purchase % purchases.length];
            const amountCents = Math.max(1, Math.floor((target.amountCents * command.percent) / 100));
            const reply = await twice(() => stub.refund({ ...envelope, venueId: target.venueId, purchaseId: target.id, amountCents }), command.replay);
            expect([201, 422]).toContain(reply.status);
          } else if (command.kind === "advance") {
            nowMs += command.hours * 3_600_000;
            await stub.processDue(nowMs);
          } else if (command.kind === "redeem") {
            const reward: RewardRules = { id: `rwd_${command.cost}`, programId: program.id, name: "r", type: "custom", pointsCost: command.cost, ...unrestricted };
            const reply = await twice(() => stub.redeem({ ...envelope, reward, redeemingVenue: venueContexts[command.venue], nonCoalitionVenueIds: [], purchaseCents: null, code: `CODE-${index}`, holdToken: null }), command.replay);
            if (reply.status === 201) redemptions.push((reply.body as { redemptionId: string }).redemptionId);
            else expect(reply.status).toBe(422);
          } else if ((command.kind === "cancel" || command.kind === "consume") && redemptions.length > 0) {
            const action = { v: memberRpcVersion, program: programContext, redemptionId: redemptions[command.redemption % redemptions.length], venueId: null, nowMs };
            const reply = command.kind === "cancel" ? await stub.cancelRedemption(action) : await stub.consumeRedemption(action);
            expect([200, 409]).toContain(reply.status);
          } else if (command.kind === "reuseKey" && usedKeys.some((used) => nowMs - used.atMs < 7 * 86_400_000)) {
            // A key already used by one request, sent with another operation or body: refused, no effect.
            const kept = usedKeys.filter((used) => nowMs - used.atMs < 7 * 86_400_000);
            const reused = { ...envelope, idempotencyKey: kept[command.of % kept.length].key, requestHash: `reuse-${index}` };
            const before = await ledgerTotals(memberId);
            const reply =
              command.as === "refund" && purchases.length > 0
                ? await stub.refund({ ...reused, venueId: purchases[0].venueId, purchaseId: purchases[0].id, amountCents: 1 })
                : command.as === "purchase"
                  ? await stub.purchase({ ...reused, venue: venueContexts[0], amountCents: 100, occurredAt: new Date(nowMs).toISOString() })
                  : await stub.redeem({ ...reused, reward: { id: "rwd_1", programId: program.id, name: "r", type: "custom", pointsCost: 1, ...unrestricted }, redeemingVenue: null, nonCoalitionVenueIds: [], purchaseCents: null, code: "X", holdToken: null });
            expect([reply.status, (reply.body as { error?: { code: string } }).error?.code]).toEqual([422, "idempotency_key_reused"]);
            expect(await ledgerTotals(memberId)).toEqual(before);
          }

          // A read first posts and expires what is due at `nowMs` (a returned lot may be past its expiry).
          const view = await stub.view(nowMs);
          if (view.status !== 200) throw new Error("member vanished");
          const totals = await ledgerTotals(memberId);
          expect(totals.lots).toBe(totals.journal);
          expect(totals.lots).toBeGreaterThanOrEqual(0);
          expect(totals.negativeLots).toBe(0);
          expect(totals.debt).toBeGreaterThanOrEqual(0);
          expect(totals.debt > 0 && totals.lots > 0, `debt ${totals.debt} beside ${totals.lots} spendable points`).toBe(false);
          expect(view.body.points.available).toBe(totals.lots);
          expect(view.body.points.pending).toBe(totals.pending);
        }
      }),
      { numRuns: 25 },
    );
  });
});
