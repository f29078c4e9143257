import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayAfter } from "../../domain/community/streak";
import { isoWeek, localDay } from "../../domain/community/weekly-features";
import { presets } from "../../domain/programs/presets";
import { type RewardRules, unrestricted } from "../../domain/rewards/reward-rules";
import { call, operatorToken } from "../../test/api";
import { testVerificationKind } from "../../test/community";
import { coalition, createReward, earnPosted, enroll, memberView, newKey, redeem } from "../../test/ledger";
import { type ProgramContext, type Reply, type VenueContext, memberRpcVersion } from "./rpc-types";

type Command =
  | { kind: "purchase"; venue: number; amountCents: number; replay: boolean }
  | { kind: "refund"; purchase: number; percent: number; replay: boolean }
  | { kind: "advance"; hours: number }
  | { kind: "redeem"; venue: number; cost: number; replay: boolean }
  | { kind: "cancel"; redemption: number }
  | { kind: "consume"; redemption: number }
  | { kind: "reuseKey"; of: number; as: "refund" | "redeem" | "purchase" }
  | { kind: "act"; action: ActionKind; source: number; hoursAgo: number; replay: boolean }
  | { kind: "streak"; replay: boolean };

// The preset's kinds, "join" (reserved: paid by joining, refused as an action) and a kind the program lacks.
const actionKinds = ["voice_ama", "live_event", "chat_activity", "governance_vote", "join", "meetup_attended"] as const;
type ActionKind = (typeof actionKinds)[number];
const timeZones = ["America/New_York", "Pacific/Auckland", "Pacific/Honolulu", "Asia/Kathmandu"] as const;

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("purchase" as const), venue: fc.nat(1), amountCents: fc.integer({ min: 1, max: 60_000 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant("refund" as const), purchase: fc.nat(), percent: fc.integer({ min: 1, max: 100 }), replay: fc.boolean() }),
  // Mostly a day or less, so that cooldowns end, streaks continue and weeks fill; sometimes past expiry.
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), hours: fc.oneof(fc.constant(24), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 24 * 400 })) }), weight: 2 },
  fc.record({ kind: fc.constant("redeem" as const), venue: fc.nat(1), cost: fc.integer({ min: 1, max: 600 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant("cancel" as const), redemption: fc.nat() }),
  fc.record({ kind: fc.constant("consume" as const), redemption: fc.nat() }),
  fc.record({ kind: fc.constant("reuseKey" as const), of: fc.nat(), as: fc.constantFrom("refund" as const, "redeem" as const, "purchase" as const) }),
  // A small pool of sources per kind, so that sources repeat; sometimes reported late (a previous day or week).
  {
    arbitrary: fc.record({ kind: fc.constant("act" as const), action: fc.constantFrom(...actionKinds), source: fc.nat(2), hoursAgo: fc.oneof(fc.constant(0), fc.nat(72)), replay: fc.boolean() }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("streak" as const), replay: fc.boolean() }), weight: 2 },
);

/** A restaurant coalition that also earns the community preset's actions and streak (its tiers in the gates). */
const presetCommunity = presets.community.community!;
const communityOverrides = {
  community: {
    ...presetCommunity,
    // The member is verified (§7a) by a 0-point kind at the start, so credits pay at once.
    actions: { ...presetCommunity.actions, [testVerificationKind]: { points: 0, cooldownMinutes: 0 } },
    qualifyingKinds: [testVerificationKind],
    gates: undefined,
    channelsByTier: { BRONZE: ["general"] },
    actionTiers: { scheduleAma: "GOLD", createLiveEvent: "PLATINUM", proposeGovernance: "PLATINUM", voteGovernance: "GOLD" },
  },
};
const hourMs = 3_600_000;
// 40 runs of up to 40 commands take a few seconds; the bound leaves room on a loaded machine.
const propertyTimeoutMs = 60_000;
const cooldownMs = presetCommunity.cooldownMinutes * 60_000;
const featureOf: Partial<Record<ActionKind, "voice" | "events" | "chat">> = { voice_ama: "voice", live_event: "events", chat_activity: "chat" };

type CreditBody = {
  kind: string;
  sourceId: string;
  points: number;
  breakdown: { factor: "base" | "tier" | "weekly"; value: number }[];
  features: string[];
  repaidDebt: number;
  balance: number;
  streak?: { current: number; longest: number; day: string };
};
type ModelCredit = { kind: string; feature: string | null; day: string; week: string; atMs: number; points: number };

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
      journalLast: one("SELECT COALESCE((SELECT balance_after FROM entries ORDER BY seq DESC LIMIT 1), 0) AS n"),
      actionEntries: one("SELECT COUNT(*) AS n FROM entries WHERE kind = 'action'"),
      repeatedActionRefs: one("SELECT COUNT(*) - COUNT(DISTINCT ref) AS n FROM entries WHERE kind = 'action'"),
      communityCredits: one("SELECT COUNT(*) AS n FROM community_credits"),
      communityPoints: one("SELECT COALESCE(SUM(points), 0) AS n FROM community_credits"),
      streak: state.storage.sql.exec<{ current: number; longest: number; day: string | null }>("SELECT streak_current AS current, streak_longest AS longest, streak_last_day AS day FROM counters").one(),
    };
  });

describe("the Member actor's ledger under random sequences", () => {
  it("keeps balance = Σ lots = Σ journal ≥ 0, never debt beside spendable points, one key per request, each community source paid once, through replays too", async () => {
    const { program, venues } = await coalition(2, communityOverrides, [{}, { maxCrossVenueRedemptionPercent: 60, revenueSharePercent: 5 }]);
    const programContext: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
    const venueContexts: VenueContext[] = (await call("GET", `/v1/programs/${program.id}/venues`)).json.venues;
    let run = 0;

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...timeZones), fc.array(commandArbitrary, { minLength: 5, maxLength: 40 }), async (timezone, commands) => {
        // The operator enrolls (a venue key's community enrollments are rate-limited and pay no join bonus).
        const memberId = await enroll(operatorToken, `property-${run++}`, { programId: program.id, timezone });
        const stub = env.MEMBER.getByName(memberId);
        let nowMs = Date.now();
        // The community model: what each paid (kind, source) answered first, and the streak as the rules say it goes.
        const paid = new Map<string, CreditBody>();
        const credited: ModelCredit[] = [];
        const streak = { current: 0, longest: 0, day: null as string | null };
        let tier = "BRONZE";
        // The join bonus is held until the member is verified (§7a); the 0-point kind verifies them and posts it.
        expect(await ledgerTotals(memberId)).toMatchObject({ lots: 0, lifetime: 0, communityCredits: 1, actionEntries: 1 });
        const verified = await stub.creditAction({ v: memberRpcVersion, requestHash: "verify", program: programContext, kind: testVerificationKind, sourceId: "verify", nowMs });
        expect([verified.status, (verified.body as { verified?: boolean }).verified]).toEqual([201, true]);
        paid.set(`${testVerificationKind}:verify`, verified.body as CreditBody);
        expect(await ledgerTotals(memberId)).toMatchObject({ lots: 100, lifetime: 100, communityCredits: 2, actionEntries: 3 });
        paid.set("join:join", await storedAnswer(memberId, "join", "join"));
        credited.push({ kind: "join", feature: null, day: localDay(nowMs, timezone), week: isoWeek(nowMs, timezone), atMs: nowMs, points: 100 });
        credited.push({ kind: testVerificationKind, feature: null, day: localDay(nowMs, timezone), week: isoWeek(nowMs, timezone), atMs: nowMs, points: 0 });
        // Keys a request used, with when: a key is refused for another request while it is kept (≥ 7 days).
        const usedKeys: { key: string; atMs: number }[] = [];
        const purchases: { id: string; venueId: string; amountCents: number }[] = [];
        const redemptions: string[] = [];
        for (const [index, command] of commands.entries()) {
          const key = `${memberId}-${index}`;
          if (["purchase", "redeem", "act", "streak"].includes(command.kind) || (command.kind === "refund" && purchases.length > 0)) usedKeys.push({ key, atMs: nowMs });
          const envelope = { v: memberRpcVersion, idempotencyKey: key, requestHash: `${command.kind}-${index}`, program: programContext, nowMs } as const;
          const twice = async (send: () => Promise<Reply>, replay: boolean) => {
            const first = await send();
            // Refusals that time decides are not stored under the key (issue 20): a retry is decided again.
            if (replay) expect(await send()).toEqual({ ...first, replayed: first.status < 300 || (first.status === 422 && !timeDecided(first)) ? true : first.replayed });
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
          } else if (command.kind === "act") {
            const sourceId = command.action === "join" ? "join" : `${command.action}-${command.source}`;
            const occurredAtMs = nowMs - command.hoursAgo * hourMs;
            const before = await ledgerTotals(memberId);
            const reply = await twice(() => stub.creditAction({ ...envelope, kind: command.action, sourceId, occurredAtMs }), command.replay);
            const body = reply.body as CreditBody & { error?: { code: string } };
            // A reserved kind is refused as an action whoever calls, even for a source its own path paid.
            const earlier = command.action === "join" ? undefined : paid.get(`${command.action}:${sourceId}`);
            if (earlier) {
              // A source already paid answers its first result, under any key, and pays nothing.
              expect([reply.status, reply.replayed]).toEqual([201, true]);
              expect(body).toEqual(earlier);
              expect(await ledgerTotals(memberId)).toEqual(before);
            } else {
              const expected = expectedAction(command.action, occurredAtMs, credited, timezone);
              if (expected !== "credit") {
                expect([reply.status, body.error?.code]).toEqual([422, expected]);
                if (timeDecided(reply)) forgetKey(usedKeys, key);
                expect(await ledgerTotals(memberId)).toEqual(before);
              } else {
                expect([reply.status, reply.replayed]).toEqual([201, false]);
                const after = await expectFreshCredit(memberId, body, before, tier);
                paid.set(`${command.action}:${sourceId}`, body);
                const feature = featureOf[command.action] ?? null;
                credited.push({ kind: command.action, feature, day: localDay(occurredAtMs, timezone), week: isoWeek(occurredAtMs, timezone), atMs: occurredAtMs, points: body.points });
                // The week's features; the streak counts while unbroken on the credit's day (claimed that day or the day before).
                const streakCounts = streak.current >= 7 && streak.day !== null && streak.day >= dayAfter(localDay(occurredAtMs, timezone), -1);
                expect(body.features).toEqual([...weekFeatures(credited, isoWeek(occurredAtMs, timezone)), ...(streakCounts ? ["streak"] : [])]);
                expect(body.breakdown[0]).toEqual({ factor: "base", value: presetCommunity.actions![command.action].points });
                expect(body.balance).toBe(after.lots);
              }
            }
          } else if (command.kind === "streak") {
            const before = await ledgerTotals(memberId);
            const send = () => stub.claimStreak(envelope);
            const reply = await send();
            if (command.replay) expect(await send()).toEqual({ ...reply, replayed: reply.status < 300 });
            const body = reply.body as CreditBody & { error?: { code: string } };
            const today = localDay(nowMs, timezone);
            if (streak.day !== null && streak.day >= today) {
              expect([reply.status, body.error?.code]).toEqual([409, "streak_already_claimed"]);
              forgetKey(usedKeys, key);
              expect(await ledgerTotals(memberId)).toEqual(before);
            } else {
              streak.current = streak.day === dayAfter(today, -1) ? streak.current + 1 : 1;
              streak.longest = Math.max(streak.longest, streak.current);
              streak.day = today;
              expect([reply.status, reply.replayed]).toEqual([201, false]);
              expect(body.streak).toMatchObject({ current: streak.current, longest: streak.longest, day: today });
              await expectFreshCredit(memberId, body, before, tier);
              const rules = presetCommunity.dailyStreak;
              const base = Math.floor((rules.points * Math.min(streak.current, rules.capDays)) / rules.divisor) + (rules.milestones[String(streak.current)] ?? 0);
              expect(body.breakdown[0]).toEqual({ factor: "base", value: base });
              paid.set(`daily_streak:${today}`, body);
              credited.push({ kind: "daily_streak", feature: null, day: today, week: isoWeek(nowMs, timezone), atMs: nowMs, points: body.points });
            }
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
          // The journal's running balance ends where the lots are.
          expect(totals.journalLast).toBe(totals.lots);
          // Every community credit is one row and one journal entry, and no source appears twice.
          expect(totals.communityCredits).toBe(paid.size);
          // ...and the held join bonus one more, when it posted.
          expect(totals.actionEntries).toBe(paid.size + 1);
          expect(totals.repeatedActionRefs).toBe(1);
          expect(totals.communityPoints).toBe(credited.reduce((sum, credit) => sum + credit.points, 0));
          expect(totals.streak).toEqual(streak);
          expect(view.body.points.lifetime).toBe(totals.lifetime);
          tier = view.body.tier;
        }
      }),
      { numRuns: 40 },
    );
  }, propertyTimeoutMs);

  // Random sequences seldom reach a credit while in debt; this one walks there.
  it("repays debt with a community credit before any of it becomes spendable, and still counts it toward lifetime points", async () => {
    const { program, venues } = await coalition(1, communityOverrides);
    const memberId = await enroll(venues[0].key, `community-debt-${crypto.randomUUID()}`);
    const bought = await earnPosted(venues[0].key, memberId, 10_000);
    const available = (await memberView(memberId)).points.available as number;
    const reward = await createReward(program.id, { pointsCost: available });
    expect((await redeem(venues[0].key, { memberId, rewardId: reward.json.id })).status).toBe(201);
    const refunded = await call("POST", `/v1/purchases/${bought.purchaseId}/refunds`, { token: venues[0].key, body: { amountCents: 10_000 }, headers: { "Idempotency-Key": newKey("refund") } });
    const debt = refunded.json.debt as number;
    expect(debt).toBeGreaterThan(50);
    const lifetime = (await memberView(memberId)).points.lifetime as number;

    const ama = await call("POST", `/v1/members/${memberId}/actions`, { body: { kind: "voice_ama", sourceId: "ama-debt" }, headers: { "Idempotency-Key": newKey("act") } });
    expect(ama.json).toMatchObject({ points: 50, repaidDebt: 50, balance: 0 });
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, debt: debt - 50, lifetime: lifetime + 50 });
    const journal = await call("GET", `/v1/members/${memberId}/ledger?limit=1`);
    expect(journal.json.entries[0]).toMatchObject({ kind: "action", delta: 0, detail: { kind: "voice_ama", repaidDebt: 50 } });
    expect(await ledgerTotals(memberId)).toMatchObject({ lots: 0, journalLast: 0, debt: debt - 50 });
  });
});

/** The answer a (kind, source) stored when first credited: a repeat replays it. */
function storedAnswer(memberId: string, kind: string, sourceId: string): Promise<CreditBody> {
  return runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => {
    const row = state.storage.sql.exec<{ reply: string }>("SELECT reply FROM community_credits WHERE kind = ? AND source_id = ?", kind, sourceId).one();
    return (JSON.parse(row.reply) as { body: CreditBody }).body;
  });
}

/** What the preset's rules decide for a first action of `kind` at `atMs`: a credit or the named refusal. */
function expectedAction(kind: ActionKind, atMs: number, credited: ModelCredit[], timezone: string): "credit" | "unknown_action" | "reserved_action" | "daily_cap_reached" | "cooldown_active" {
  if (kind === "meetup_attended") return "unknown_action";
  if (kind === "join") return "reserved_action";
  const accepted = credited.filter((credit) => credit.kind === kind);
  if (kind === "chat_activity" && accepted.some((credit) => credit.day === localDay(atMs, timezone))) return "daily_cap_reached";
  // Whatever the arrival order: an accepted credit within the cooldown either side refuses it.
  if (accepted.some((credit) => Math.abs(credit.atMs - atMs) < cooldownMs)) return "cooldown_active";
  return "credit";
}

/** A refusal that time decided kept nothing under its key: the key is free for another request. */
function forgetKey(usedKeys: { key: string }[], key: string): void {
  const index = usedKeys.findIndex((used) => used.key === key);
  if (index >= 0) usedKeys.splice(index, 1);
}

const timeDecided = (reply: Reply) => ["cooldown_active", "daily_cap_reached"].includes((reply.body as { error?: { code: string } }).error?.code ?? "");

/** The voice, chat and events features of `week` by issue 16's thresholds: 1 AMA, 3 chat days, 1 event. */
function weekFeatures(credited: ModelCredit[], week: string): string[] {
  const inWeek = credited.filter((credit) => credit.week === week);
  const chatDays = new Set(inWeek.filter((credit) => credit.feature === "chat").map((credit) => credit.day)).size;
  return [
    ...(inWeek.some((credit) => credit.feature === "voice") ? ["voice"] : []),
    ...(chatDays >= 3 ? ["chat"] : []),
    ...(inWeek.some((credit) => credit.feature === "events") ? ["events"] : []),
  ];
}

/**
 * A first credit: floor(base × tier × weekly) points, the weekly factor by the number of features,
 * lifetime up by the points (never down), debt repaid first and the rest in a lot.
 */
async function expectFreshCredit(memberId: string, body: CreditBody, before: Awaited<ReturnType<typeof ledgerTotals>>, tier: string) {
  const after = await ledgerTotals(memberId);
  const factor = (name: "base" | "tier" | "weekly") => body.breakdown.find((entry) => entry.factor === name)!.value;
  const multipliers = presetCommunity.weeklyFeatureMultipliers;
  expect(body.points).toBe(Math.floor(factor("base") * factor("tier") * factor("weekly") + 1e-9));
  expect(factor("tier")).toBe(presets.restaurant.tiers.find((candidate) => candidate.code === tier)!.multiplier);
  expect(factor("weekly")).toBe(multipliers[Math.min(Math.max(body.features.length, 1), multipliers.length) - 1]);
  expect(after.lifetime - before.lifetime).toBe(body.points);
  expect(before.debt - after.debt).toBe(body.repaidDebt);
  expect(after.lots - before.lots).toBe(body.points - body.repaidDebt);
  expect(after.actionEntries - before.actionEntries).toBe(1);
  return after;
}
