import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Wallet, hexlify, randomBytes } from "ethers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Tier } from "../../domain/programs/program-config";
import { qualifiedTierIndex } from "../../domain/tiers/qualification";
import { call, createProgram, createVenue, issueVenueKey } from "../../test/api";
import { newKey } from "../../test/ledger";
import { integerSetting } from "../../test/ledger-model-real";
import { appOrigin, signInWithWallet } from "../../test/sessions";

// Issue 20's acceptance property: random joins (wallets and operators, with and without referral
// codes), qualifying and effortless credits in random arrival order, purchases, refunds,
// adjustments and sign-out-everywhere, through the worker's real fetch. After every step, in each
// member's own storage: cooldowns and caps hold, nothing effortless was paid before a qualifying
// action, the tier is what the qualifying metrics reach, and §3's ledger invariants hold.

const runs = integerSetting("COMMUNITY_ECONOMY_RUNS") ?? 200;
const hourMs = 3_600_000;
const qualifying = ["voice_ama", "live_event", "chat_activity", "governance_vote"] as const;
const creditKinds = [...qualifying, "meetup"] as const;
const effortless = ["join", "daily_streak", "referral", "referral_second_level"];

type Step =
  | { kind: "join"; via: "wallet" | "operator"; referrer: number | null }
  | { kind: "signInAgain"; member: number; referrer: number | null }
  | { kind: "credit"; member: number; action: (typeof creditKinds)[number]; source: number; hoursAgo: number; timeGiven: boolean }
  | { kind: "streak"; member: number }
  | { kind: "purchase"; member: number; cents: number }
  | { kind: "post"; member: number }
  | { kind: "refund"; member: number; purchase: number; percent: number }
  | { kind: "adjust"; member: number; points: number; qualifies: boolean }
  | { kind: "signOutEverywhere"; member: number };

const member = fc.nat(5);
const referrer = fc.option(fc.nat(5), { nil: null });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("join" as const), via: fc.constantFrom("wallet" as const, "operator" as const), referrer }), weight: 3 },
  fc.record({ kind: fc.constant("signInAgain" as const), member, referrer }),
  {
    arbitrary: fc.record({
      kind: fc.constant("credit" as const),
      member,
      action: fc.constantFrom(...creditKinds),
      source: fc.nat(3),
      hoursAgo: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 72 })),
      timeGiven: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("streak" as const), member }), weight: 2 },
  fc.record({ kind: fc.constant("purchase" as const), member, cents: fc.integer({ min: 100, max: 80_000 }) }),
  fc.record({ kind: fc.constant("post" as const), member }),
  fc.record({ kind: fc.constant("refund" as const), member, purchase: fc.nat(3), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("adjust" as const), member, points: fc.integer({ min: -400, max: 400 }).filter((points) => points !== 0), qualifies: fc.boolean() }),
  fc.record({ kind: fc.constant("signOutEverywhere" as const), member }),
);

type Joined = { id: string; wallet: Wallet | null; cookie: string | null; purchases: { id: string; cents: number }[] };

let programId = "";
let venueKey = "";
let tiers: Tier[] = [];

beforeAll(async () => {
  const program = await createProgram("Economy", "community", { community: { actions: { meetup: { points: 40, cooldownMinutes: 30 } } } });
  programId = program.id;
  tiers = (program.config as unknown as { tiers: Tier[] }).tiers;
  venueKey = (await issueVenueKey((await createVenue(program.id, "Pop-up bar")).id)).key;
});

const signIn = (wallet: Wallet, referralCode: string | null) => signInWithWallet(programId, wallet, referralCode);

const codeOf = async (memberId: string) => (await call("GET", `/v1/members/${memberId}`)).json.referralCode as string;

async function apply(step: Step, members: Joined[]): Promise<void> {
  const pick = (index: number) => members[index % members.length];
  if (step.kind === "join") {
    const code = step.referrer === null || members.length === 0 ? null : await codeOf(pick(step.referrer).id);
    if (step.via === "wallet") {
      const wallet = new Wallet(hexlify(randomBytes(32)));
      const joined = await signIn(wallet, code);
      members.push({ id: joined.id, wallet, cookie: joined.cookie, purchases: [] });
    } else {
      const enrolled = await call("POST", "/v1/members", { body: { programId, externalRef: `econ-${crypto.randomUUID()}`, ...(code ? { referralCode: code } : {}) } });
      expect(enrolled.status).toBe(201);
      members.push({ id: enrolled.json.id, wallet: null, cookie: null, purchases: [] });
    }
    return;
  }
  const target = pick(step.member);
  if (step.kind === "signInAgain") {
    if (!target.wallet) return;
    // A second sign-in (through any referral link) joins nothing and pays nothing.
    const code = step.referrer === null ? null : await codeOf(pick(step.referrer).id);
    const again = await signIn(target.wallet, code);
    expect(again.id).toBe(target.id);
    target.cookie = again.cookie;
  } else if (step.kind === "credit") {
    const occurredAt = step.timeGiven ? { occurredAt: new Date(Date.now() - step.hoursAgo * hourMs).toISOString() } : {};
    const reply = await call("POST", `/v1/members/${target.id}/actions`, { body: { kind: step.action, sourceId: `${step.action}-${step.source}`, ...occurredAt }, headers: { "Idempotency-Key": newKey() } });
    expect([201, 422], JSON.stringify(reply.json)).toContain(reply.status);
    if (reply.status === 422) expect(["cooldown_active", "daily_cap_reached"]).toContain(reply.json.error.code);
  } else if (step.kind === "streak") {
    const reply = await call("POST", `/v1/members/${target.id}/streak/claim`);
    expect([201, 409]).toContain(reply.status);
  } else if (step.kind === "purchase") {
    const reply = await call("POST", "/v1/purchases", { token: venueKey, body: { memberId: target.id, amountCents: step.cents, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    expect(reply.status).toBe(201);
    target.purchases.push({ id: reply.json.purchaseId, cents: step.cents });
  } else if (step.kind === "post") {
    await env.MEMBER.getByName(target.id).processDue(Date.now() + 25 * hourMs);
  } else if (step.kind === "refund") {
    if (target.purchases.length === 0) return;
    const bought = target.purchases[step.purchase % target.purchases.length];
    const amountCents = Math.max(1, Math.floor((bought.cents * step.percent) / 100));
    const reply = await call("POST", `/v1/purchases/${bought.id}/refunds`, { token: venueKey, body: { amountCents }, headers: { "Idempotency-Key": newKey() } });
    // 422: more than what is left of the purchase to refund.
    expect([201, 422]).toContain(reply.status);
  } else if (step.kind === "adjust") {
    const reply = await call("POST", `/v1/members/${target.id}/adjustments`, { body: { points: step.points, reason: "property step", qualifies: step.qualifies }, headers: { "Idempotency-Key": newKey() } });
    expect([201, 422]).toContain(reply.status);
  } else if (step.kind === "signOutEverywhere") {
    if (!target.cookie) return;
    expect((await call("POST", "/v1/me/sign-out-everywhere", { token: null, headers: { Cookie: target.cookie, Origin: appOrigin } })).status).toBe(204);
    expect((await call("GET", "/v1/me", { token: null, headers: { Cookie: target.cookie } })).status).toBe(401);
    target.cookie = null;
  }
}

type Facts = {
  verified: boolean;
  tier: string;
  metrics: { lifetimePoints: number; lifetimeSpendCents: number; visits: number };
  qualifyingTotal: number;
  lots: number;
  negativeLots: number;
  journal: number;
  debt: number;
  effortlessPaid: number;
  accepted: { kind: string; at_ms: number; day: string }[];
  referredSources: string[];
};

function factsOf(memberId: string): Promise<Facts> {
  return runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => {
    const sql = state.storage.sql;
    const counters = sql.exec<{ verified_at_ms: number | null; lifetime_points: number; lifetime_spend_cents: number; visits: number; debt: number }>("SELECT * FROM counters").one();
    const one = (query: string) => sql.exec<{ n: number }>(query).one().n;
    const profile = sql.exec<{ tier: string }>("SELECT tier FROM profile").one();
    return {
      verified: counters.verified_at_ms !== null,
      tier: profile.tier,
      metrics: { lifetimePoints: counters.lifetime_points, lifetimeSpendCents: counters.lifetime_spend_cents, visits: counters.visits },
      qualifyingTotal: one("SELECT COALESCE(SUM(delta), 0) AS n FROM qualifying_points"),
      lots: one("SELECT COALESCE(SUM(remaining), 0) AS n FROM lots"),
      negativeLots: one("SELECT COUNT(*) AS n FROM lots WHERE remaining < 0"),
      journal: one("SELECT COALESCE((SELECT balance_after FROM entries ORDER BY seq DESC LIMIT 1), 0) AS n"),
      debt: counters.debt,
      effortlessPaid: one(`SELECT COUNT(*) AS n FROM community_credits WHERE status = 'credited' AND kind IN (${effortless.map((kind) => `'${kind}'`).join(", ")})`),
      accepted: sql.exec<{ kind: string; at_ms: number; day: string }>("SELECT kind, at_ms, day FROM community_credits WHERE status IN ('credited', 'held') ORDER BY kind, at_ms").toArray(),
      referredSources: sql.exec<{ source_id: string }>("SELECT source_id FROM community_credits WHERE kind IN ('referral', 'referral_second_level') AND status IN ('credited', 'held')").toArray().map((row) => row.source_id),
    };
  });
}

const cooldownMs: Record<string, number> = { voice_ama: hourMs, live_event: hourMs, chat_activity: hourMs, governance_vote: hourMs, meetup: 30 * 60_000 };

async function checkInvariants(members: Joined[]): Promise<void> {
  const facts = new Map<string, Facts>();
  for (const joined of members) facts.set(joined.id, await factsOf(joined.id));
  for (const [memberId, fact] of facts) {
    const where = `member ${memberId}: ${JSON.stringify(fact)}`;
    // §3: balance = Σ lots = the journal's running total ≥ 0; debt and spendable points never together.
    expect(fact.lots, where).toBe(fact.journal);
    expect(fact.negativeLots, where).toBe(0);
    expect(fact.debt > 0 && fact.lots > 0, where).toBe(false);
    // Nothing effortless paid before a qualifying action.
    if (!fact.verified) expect(fact.effortlessPaid, where).toBe(0);
    // A referral (either level) is paid or held only for a referred member who is verified.
    for (const source of fact.referredSources) expect(facts.get(source)?.verified ?? (await factsOf(source)).verified, `${where} paid for ${source}`).toBe(true);
    // Cooldowns and caps, whatever the arrival order.
    for (const kind of creditKinds) {
      const times = fact.accepted.filter((row) => row.kind === kind).map((row) => row.at_ms);
      for (let index = 1; index < times.length; index++) expect(times[index] - times[index - 1], `${where} ${kind}`).toBeGreaterThanOrEqual(cooldownMs[kind]);
    }
    const chatDays = fact.accepted.filter((row) => row.kind === "chat_activity").map((row) => row.day);
    expect(new Set(chatDays).size, `${where} chat once a day`).toBe(chatDays.length);
    // The tier is what the qualifying metrics reach, and lifetime points are the qualifying record's total.
    expect(fact.qualifyingTotal, where).toBe(fact.metrics.lifetimePoints);
    expect(fact.tier, where).toBe(tiers[qualifiedTierIndex(tiers, fact.metrics)].code);
  }
}

describe("the community economy under random sequences (issue 20)", () => {
  it("never pays effortless points before a qualifying action, keeps cooldowns, caps, tiers and the ledger whatever the order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const members: Joined[] = [];
        await apply({ kind: "join", via: "wallet", referrer: null }, members);
        for (const next of steps) {
          await apply(next, members);
          await checkInvariants(members);
        }
      }),
      { numRuns: runs },
    );
  }, 600_000);
});
