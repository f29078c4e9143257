import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RewardRules, unrestricted } from "../../domain/rewards/reward-rules";
import { pointsTakenTwice, testSettlement, tokensOf, walletMember } from "../../test/token-payouts";
import { type VenueContext, memberRpcVersion } from "./rpc-types";

type Command =
  | { kind: "purchase"; amountCents: number }
  | { kind: "quest" }
  | { kind: "meetup" }
  | { kind: "redeem"; cost: number }
  | { kind: "cancel"; redemption: number }
  | { kind: "cut"; replay: boolean }
  | { kind: "confirm"; payout: number }
  | { kind: "return"; payout: number }
  | { kind: "advance"; hours: number };

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: "quest" as const }), weight: 4 },
  // Pending until the clock passes the 24 h hold, then posted (settleable once posted, never before).
  { arbitrary: fc.record({ kind: fc.constant("purchase" as const), amountCents: fc.integer({ min: 1_000, max: 40_000 }) }), weight: 2 },
  fc.constant({ kind: "meetup" as const }),
  { arbitrary: fc.record({ kind: fc.constant("redeem" as const), cost: fc.integer({ min: 1, max: 500 }) }), weight: 2 },
  fc.record({ kind: fc.constant("cancel" as const), redemption: fc.nat(5) }),
  { arbitrary: fc.record({ kind: fc.constant("cut" as const), replay: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("confirm" as const), payout: fc.nat(5) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("return" as const), payout: fc.nat(5) }), weight: 2 },
  // Mostly within a day (the ceiling's day moves on), sometimes past a lot's expiry (one month).
  fc.record({ kind: fc.constant("advance" as const), hours: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 24 * 25, max: 24 * 40 })) }),
);

const v = memberRpcVersion;
const venue: VenueContext = { id: "ven_property", timezone: "UTC", participatesInCoalition: true, allowCrossVenueRedemption: true, maxCrossVenueRedemptionPercent: 100, revenueSharePercent: 0, earnRatePerDollar: null };
const ceilingPoints = 700;
/** How often the runs reached each outcome, so a run that never cuts or returns is noticed. */
const outcomes = { cuts: 0, confirms: 0, returns: 0, expiries: 0, posted: 0 };
const hourMs = 3_600_000;

describe("token payouts keep the ledger whole", () => {
  it("holds §3 and spends no reserved point twice over random earn, post, redeem, cut, confirm, return and expiry sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 4, maxLength: 14 }), async (commands) => {
        const member = await walletMember({
          settlement: { dailyCeilingPoints: ceilingPoints, kinds: [...testSettlement.kinds, "purchase"] },
          earn: { pointsPerDollar: 1, postingDelayHours: 24 },
          expiry: { mode: "after_earning", months: 1, warningDays: 2, lowestTierOnly: false },
          community: { actions: { quest: { points: 150, cooldownMinutes: 0 }, meetup: { points: 40, cooldownMinutes: 0 } } },
        });
        const { stub, context } = member;
        let nowMs = Date.now();
        await stub.creditAction({ v, requestHash: "verify", program: context, kind: "test_verification", sourceId: "verify", nowMs, occurredAtMs: nowMs });
        const payouts: { intentId: string; status: "reserved" | "settled" | "returned" }[] = [];
        const redemptions: string[] = [];
        let lastCutKey: string | null = null;
        for (const [index, command] of commands.entries()) {
          const envelope = { v, program: context, nowMs };
          if (command.kind === "purchase") {
            await stub.purchase({ ...envelope, idempotencyKey: `purchase-${index}`, requestHash: `purchase-${index}`, venue, amountCents: command.amountCents, occurredAt: new Date(nowMs).toISOString() });
          } else if (command.kind === "quest" || command.kind === "meetup") {
            await stub.creditAction({ ...envelope, requestHash: `${command.kind}:${index}`, kind: command.kind, sourceId: `s${index}`, occurredAtMs: nowMs });
          } else if (command.kind === "redeem") {
            const reward: RewardRules = { id: `rwd_${command.cost}`, programId: context.id, name: "r", type: "custom", pointsCost: command.cost, ...unrestricted };
            const reply = await stub.redeem({ ...envelope, idempotencyKey: `redeem-${index}`, requestHash: `redeem-${index}`, reward, redeemingVenue: null, nonCoalitionVenueIds: [], purchaseCents: null, code: `CODE-${index}`, holdToken: null });
            if (reply.status === 201) redemptions.push((reply.body as { redemptionId: string }).redemptionId);
          } else if (command.kind === "cancel" && redemptions.length > 0) {
            await stub.cancelRedemption({ ...envelope, redemptionId: redemptions[command.redemption % redemptions.length], venueId: null });
          } else if (command.kind === "cut") {
            const key: string = command.replay && lastCutKey ? lastCutKey : `cut-${index}`;
            const settleableBefore = await settleable(member.rows);
            const reply = await stub.cutTokenPayout({ ...envelope, idempotencyKey: key, requestHash: "token_payout" });
            if (reply.status === 201 && !reply.replayed) {
              const body = reply.body as { intentId: string; points: number; tokenAmount: string };
              expect(body.points).toBeLessThanOrEqual(Math.min(settleableBefore, ceilingPoints));
              expect(BigInt(body.tokenAmount)).toBe(BigInt(body.points) * BigInt(testSettlement.tokenUnitsPerPoint));
              payouts.push({ intentId: body.intentId, status: "reserved" });
              outcomes.cuts++;
            }
            lastCutKey = key;
          } else if (command.kind === "confirm" && payouts.length > 0) {
            const payout = payouts[command.payout % payouts.length];
            const result = await stub.confirmTokenPayout({ v, intentId: payout.intentId, settlementId: index + 1, txHash: `0x${index.toString(16).padStart(64, "0")}`, atMs: nowMs });
            expect(result).toEqual(payout.status === "returned" ? { ok: false, code: "already_returned" } : { ok: true, status: "settled" });
            if (payout.status !== "returned") payout.status = "settled";
            outcomes.confirms++;
          } else if (command.kind === "return" && payouts.length > 0) {
            const payout = payouts[command.payout % payouts.length];
            const result = await stub.returnTokenPayout({ v, intentId: payout.intentId, reason: "abandoned", atMs: nowMs });
            expect(result).toEqual(payout.status === "settled" ? { ok: false, code: "already_settled" } : { ok: true, status: "returned" });
            if (payout.status !== "settled") payout.status = "returned";
            outcomes.returns++;
          } else if (command.kind === "advance") {
            nowMs += command.hours * hourMs;
            await stub.processDue(nowMs);
            if ((await member.rows("SELECT 1 AS x FROM entries WHERE kind = 'expire' LIMIT 1")).length > 0) outcomes.expiries++;
            if ((await member.rows("SELECT 1 AS x FROM entries WHERE kind = 'post' LIMIT 1")).length > 0) outcomes.posted++;
          }
          await expectWhole(member, payouts);
        }
      }),
      { numRuns: 30 },
    );
    expect(outcomes.cuts).toBeGreaterThan(0);
    expect(outcomes.confirms + outcomes.returns).toBeGreaterThan(0);
  }, 120_000);
});

type Member = Awaited<ReturnType<typeof walletMember>>;

async function settleable(rows: Member["rows"]): Promise<number> {
  const [row] = await rows<{ points: number }>(`SELECT COALESCE(SUM(remaining), 0) AS points FROM lots WHERE remaining > 0 AND kind IN ('quest', 'adjustment', 'purchase')`);
  return row.points;
}

/** §3 from outside the actor, every lot's points accounted for once, and the payout totals equal to their payouts. */
async function expectWhole(member: Member, payouts: { intentId: string; status: string }[]): Promise<void> {
  const [ledger] = await member.rows<{ lots: number; journal: number; negative: number }>(
    "SELECT (SELECT COALESCE(SUM(remaining), 0) FROM lots) AS lots, (SELECT COALESCE(SUM(delta), 0) FROM entries) AS journal, (SELECT COUNT(*) FROM lots WHERE remaining < 0) AS negative",
  );
  expect(ledger.lots).toBe(ledger.journal);
  expect(ledger.negative).toBe(0);
  expect(await pointsTakenTwice(member.rows)).toEqual([]);
  const stored = await member.rows<{ intent_id: string; status: string; points: number; token_amount: string }>("SELECT intent_id, status, points, token_amount FROM token_payouts ORDER BY seq");
  expect(stored.map((row) => [row.intent_id, row.status])).toEqual(payouts.map((payout) => [payout.intentId, payout.status]));
  const sum = (status: string) => stored.filter((row) => row.status === status);
  const tokens = await tokensOf(member.memberId);
  expect(tokens.available).toBe(ledger.lots);
  expect(tokens.reservedPoints).toBe(sum("reserved").reduce((total, row) => total + row.points, 0));
  expect(tokens.settledPoints).toBe(sum("settled").reduce((total, row) => total + row.points, 0));
  expect(tokens.reservedTokenAmount).toBe(sum("reserved").reduce((total, row) => total + BigInt(row.token_amount), 0n).toString());
  expect(tokens.settledTokenAmount).toBe(sum("settled").reduce((total, row) => total + BigInt(row.token_amount), 0n).toString());
}
