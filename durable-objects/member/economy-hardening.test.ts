import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { communityMember } from "../../test/community";
import { newKey } from "../../test/ledger";
import { signInByLink } from "../../test/sessions";
import { type Reply, memberRpcVersion } from "./rpc-types";

// Issue 20's economy defects, each pinned in the actor with a fixed `nowMs` (or through the routes).

const at = (iso: string) => Date.parse(iso);
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
type Body = { points: number; balance: number; error?: { code: string; retryAfterSeconds?: number }; verified?: boolean };
const body = (reply: Reply) => reply.body as Body;

/** A credit "as of now" (no time given, as a room or the route without occurredAt sends it), arriving at `iso`. */
async function asOfNow(member: Awaited<ReturnType<typeof communityMember>>, kind: string, sourceId: string, iso: string, idempotencyKey?: string) {
  return member.stub.creditAction({ v: memberRpcVersion, idempotencyKey, requestHash: `${kind}:${sourceId}`, program: member.context, kind, sourceId, nowMs: at(iso) });
}

async function viewAt(member: Awaited<ReturnType<typeof communityMember>>, iso: string) {
  const reply = await member.stub.view(at(iso));
  if (reply.status !== 200) throw new Error("no member");
  return reply.body;
}

describe("defect 3: what a free wallet earns without a human act stays pending", () => {
  it("holds streak claims and the join bonus, counts them toward nothing, and posts them all with the first qualifying action", async () => {
    const member = await communityMember("UTC");
    const claims: Reply[] = [];
    for (let day = 0; day < 10; day++) claims.push(await member.claim(new Date(at("2026-11-01T09:00:00Z") + day * dayMs).toISOString()));
    expect(claims.map((claim) => claim.status)).toEqual(Array(10).fill(201));
    // Each held claim says what is held in all, this claim included: 100 joining, 0 and then 1 from the streak.
    expect((claims[1].body as { pending: { message: string } }).pending.message).toBe("Attend an AMA, an event or chat to unlock 101 points");
    const before = await viewAt(member, "2026-11-10T10:00:00Z");
    // 100 join + the streak's 0,1,1,2,2,3,3+50,4,4,5 = 175 held.
    expect([before.verified, before.points.available, before.points.lifetime, before.points.pending, before.tier]).toEqual([false, 0, 0, 175, "BRONZE"]);
    expect(before.points.unlock).toEqual({ points: 175, message: "Attend an AMA, an event or chat to unlock 175 points" });
    const chat = await asOfNow(member, "chat_activity", "chat-2026-11-10", "2026-11-10T12:00:00Z");
    expect(body(chat)).toMatchObject({ verified: true, balance: 175 + body(chat).points });
    const after = await viewAt(member, "2026-11-10T12:00:00Z");
    expect([after.verified, after.points.available, after.points.lifetime, after.points.pending, after.points.unlock]).toEqual([true, 175 + body(chat).points, 175 + body(chat).points, 0, null]);
  });

  it("pays no join bonus when a venue key enrolls a member of a community program", async () => {
    const program = await createProgram("Nebula", "community");
    const venue = await call("POST", `/v1/programs/${program.id}/venues`, { body: { name: "Pop-up" } });
    const key = (await call("POST", `/v1/venues/${venue.json.id}/keys`, { body: {} })).json.key as string;
    const enrolled = await call("POST", "/v1/members", { token: key, body: { externalRef: `staff-${crypto.randomUUID()}` } });
    expect(enrolled.status).toBe(201);
    const view = (await call("GET", `/v1/members/${enrolled.json.id}`)).json;
    expect(view.points).toMatchObject({ available: 0, pending: 0, lifetime: 0 });
    expect((await call("GET", `/v1/members/${enrolled.json.id}/ledger`)).json.entries).toEqual([]);
  });
});

describe("defect 4: tiers follow the points", () => {
  it("lowers lifetime points and the tier at once when a qualifying debit takes farmed points back", async () => {
    const member = await communityMember("UTC", { community: { actions: { attended_meetup: { points: 500, cooldownMinutes: 0 } } } }, { verified: true });
    const meetup = await call("POST", `/v1/members/${member.memberId}/actions`, { body: { kind: "attended_meetup", sourceId: "m-1" }, headers: { "Idempotency-Key": newKey() } });
    expect(meetup.json.tier).toBe("SILVER");
    const takeBack = await call("POST", `/v1/members/${member.memberId}/adjustments`, { body: { points: -300, reason: "farmed meetup credits", qualifies: true }, headers: { "Idempotency-Key": newKey() } });
    expect([takeBack.status, takeBack.json.tier]).toEqual([201, "BRONZE"]);
    const view = (await call("GET", `/v1/members/${member.memberId}`)).json;
    expect([view.tier, view.points.lifetime, view.points.available]).toEqual(["BRONZE", 300, 300]);
    // A debit that does not qualify (a correction of spendable points only) leaves lifetime points alone.
    await call("POST", `/v1/members/${member.memberId}/adjustments`, { body: { points: -100, reason: "correction" }, headers: { "Idempotency-Key": newKey() } });
    expect((await call("GET", `/v1/members/${member.memberId}`)).json.points).toMatchObject({ lifetime: 300, available: 200 });
  });

  it("reviews the tier on the same metrics a credit raised it with: community points inside the window keep it, older ones do not", async () => {
    const requalifying = { requalification: { enabled: true, windowMonths: 3, maxDowngradeSteps: 3 }, community: { actions: { attended_meetup: { points: 600, cooldownMinutes: 0 } } } };
    const recent = await communityMember("UTC", requalifying, { verified: true });
    const enrolledMs = at((await viewAt(recent, new Date().toISOString())).enrolledAt);
    const review = new Date(enrolledMs + 95 * dayMs).toISOString();
    const credit = (member: typeof recent, iso: string) => member.stub.creditAction({ v: memberRpcVersion, requestHash: iso, program: member.context, kind: "attended_meetup", sourceId: iso, nowMs: at(iso), occurredAtMs: at(iso) });
    expect(body(await credit(recent, new Date(enrolledMs + 80 * dayMs).toISOString()))).toMatchObject({ points: 600 });
    await recent.stub.processDue(at(review));
    expect((await viewAt(recent, review)).tier).toBe("SILVER");

    const lapsed = await communityMember("UTC", requalifying, { verified: true });
    const lapsedEnrolledMs = at((await viewAt(lapsed, new Date().toISOString())).enrolledAt);
    await credit(lapsed, new Date(lapsedEnrolledMs + 60_000).toISOString());
    expect((await viewAt(lapsed, new Date(lapsedEnrolledMs + 120_000).toISOString())).tier).toBe("SILVER");
    // The first review's window still holds the credit; the second's (months 3 to 6) does not.
    await lapsed.stub.processDue(lapsedEnrolledMs + 95 * dayMs);
    expect((await viewAt(lapsed, new Date(lapsedEnrolledMs + 95 * dayMs).toISOString())).tier).toBe("SILVER");
    await lapsed.stub.processDue(lapsedEnrolledMs + 190 * dayMs);
    expect((await viewAt(lapsed, new Date(lapsedEnrolledMs + 190 * dayMs).toISOString())).tier).toBe("BRONZE");
  });
});

describe("defect 5: gates read the streak as it stands", () => {
  it("fails streakDaysAtLeast once a day was missed, whatever the stored counter says", async () => {
    const gates = { community: { gates: { "channel:streakers": { streakDaysAtLeast: 3 } } } };
    const member = await communityMember("UTC", gates);
    const now = Date.now();
    for (const daysAgo of [6, 5, 4]) expect((await member.claim(new Date(now - daysAgo * dayMs).toISOString())).status).toBe(201);
    const { cookie } = await signInByLink(operatorToken, member.memberId);
    const access = await call("GET", "/v1/me/access", { token: null, headers: { Cookie: cookie } });
    const gate = access.json.gates.find((entry: { gate: string }) => entry.gate === "channel:streakers");
    expect(gate).toMatchObject({ pass: false, unmet: [{ leaf: "streakDaysAtLeast", required: 3, current: 0 }] });
    expect((await call("GET", `/v1/members/${member.memberId}`)).json.streak).toMatchObject({ current: 0, longest: 3 });
  });
});

describe("defects 6 and 7: cooldowns whatever the arrival order, and refusals that time decides are not kept under a key", () => {
  it("accepts an AMA from 3 hours ago that arrives after one from now", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    expect((await member.action("voice_ama", "ama-now", "2026-11-20T15:00:00Z")).status).toBe(201);
    const late = await member.stub.creditAction({ v: memberRpcVersion, requestHash: "late", program: member.context, kind: "voice_ama", sourceId: "ama-late", occurredAtMs: at("2026-11-20T12:00:00Z"), nowMs: at("2026-11-20T15:05:00Z") });
    expect(late.status).toBe(201);
    // One between them, within an hour of both, is refused for good: no Retry-After that could never come true.
    const between = await member.stub.creditAction({ v: memberRpcVersion, requestHash: "between", program: member.context, kind: "voice_ama", sourceId: "ama-between", occurredAtMs: at("2026-11-20T14:30:00Z"), nowMs: at("2026-11-20T15:06:00Z") });
    expect([between.status, body(between).error?.code, body(between).error?.retryAfterSeconds]).toEqual([422, "cooldown_active", undefined]);
  });

  it("answers a cooldown with a true Retry-After, and the same key succeeds after it", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    expect((await asOfNow(member, "voice_ama", "ama-1", "2026-11-20T12:00:00Z")).status).toBe(201);
    const cooling = await asOfNow(member, "voice_ama", "ama-2", "2026-11-20T12:20:00Z", "retry-key");
    expect([cooling.status, body(cooling).error?.code, body(cooling).error?.retryAfterSeconds]).toEqual([422, "cooldown_active", 2400]);
    const retried = await asOfNow(member, "voice_ama", "ama-2", new Date(at("2026-11-20T12:20:00Z") + 2400 * 1000).toISOString(), "retry-key");
    expect([retried.status, retried.replayed]).toEqual([201, false]);
  });

  it("lets the same key claim the streak on the next day after a 409 today", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    const claim = (iso: string) => member.stub.claimStreak({ v: memberRpcVersion, idempotencyKey: "daily-key", requestHash: "claim", program: member.context, nowMs: at(iso) });
    expect((await member.claim("2026-11-20T08:00:00Z")).status).toBe(201);
    expect((await claim("2026-11-20T20:00:00Z")).status).toBe(409);
    expect((await claim("2026-11-21T08:00:00Z")).status).toBe(201);
  });
});

describe("defect 8: an owed referral payout is never dropped", () => {
  it("parks a payout its referrer refuses, with the reason, for the operator's view", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    await runInDurableObject(member.stub, (_instance, state) =>
      state.storage.sql.exec("INSERT INTO referral_outbox (referrer_id, referred_id, level, action, owed_at_ms) VALUES ('mem_gone0000000000000000000', ?, 1, 'pay', ?)", member.memberId, Date.now()),
    );
    await member.stub.processDue(Date.now());
    const payouts = await call("GET", `/v1/members/${member.memberId}/referral-payouts`);
    expect(payouts.status).toBe(200);
    expect(payouts.json.payouts).toEqual([expect.objectContaining({ referrerId: "mem_gone0000000000000000000", level: 1, action: "pay", parked: expect.objectContaining({ code: "member_not_found" }) })]);
    // Parked, it is not retried forever, and it is still there after another run.
    await member.stub.processDue(Date.now() + 60_000);
    expect((await call("GET", `/v1/members/${member.memberId}/referral-payouts`)).json.payouts).toHaveLength(1);
  });
});

describe("defect 9: the credit path trusts no caller", () => {
  it("refuses reserved kinds and times outside the window in the actor itself", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    const nowMs = at("2026-11-20T12:00:00Z");
    const send = (kind: string, occurredAtMs?: number) => member.stub.creditAction({ v: memberRpcVersion, requestHash: `${kind}-${occurredAtMs}`, program: member.context, kind, sourceId: `s-${occurredAtMs}`, occurredAtMs, nowMs });
    for (const kind of ["join", "daily_streak", "referral", "referral_second_level"]) expect(body(await send(kind)).error?.code).toBe("reserved_action");
    expect(body(await send("voice_ama", nowMs - 8 * dayMs)).error?.code).toBe("occurred_at_too_old");
    expect(body(await send("voice_ama", nowMs + 10 * 60_000)).error?.code).toBe("occurred_at_in_future");
    expect((await send("voice_ama", nowMs - 6 * dayMs)).status).toBe(201);
  });

  it("refuses a config whose credits could pass 10,000,000 points", async () => {
    const huge = await call("POST", "/v1/programs", { body: { name: "Huge", preset: "community", overrides: { community: { actions: { jackpot: { points: 100_001 } } } } } });
    expect([huge.status, huge.json.error.code]).toEqual([422, "validation_failed"]);
    // Each field within its bound, but a 3,650-day streak at 1,000 points a day would pay 3,650,000 × 2 × 3.
    const multiplied = await call("POST", "/v1/programs", {
      body: { name: "Huge", preset: "community", overrides: { community: { dailyStreak: { points: 1_000, capDays: 3650, divisor: 1 } } } },
    });
    expect([multiplied.status, multiplied.json.error.message]).toEqual([422, expect.stringContaining("at most 10000000")]);
  });
});

describe("defect 10: the read side hears of the join bonus, and a rebuild overwrites", () => {
  it("rebuilds the member's read-side row from the actor whatever sequence the row claims", async () => {
    const member = await communityMember("UTC", undefined, { verified: true });
    await vi.waitFor(async () => expect(await env.DB.prepare("SELECT 1 FROM member_balances WHERE member_id = ?").bind(member.memberId).first()).not.toBeNull());
    await env.DB.prepare("UPDATE member_balances SET available = 999999, last_seq = 1000000 WHERE member_id = ?").bind(member.memberId).run();
    expect((await call("POST", `/v1/members/${member.memberId}/projection/rebuild`)).status).toBe(200);
    const row = await env.DB.prepare("SELECT available FROM member_balances WHERE member_id = ?").bind(member.memberId).first<{ available: number }>();
    expect(row?.available).toBe(100);
  });
});
