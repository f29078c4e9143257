import { describe, expect, it } from "vitest";
import { call, operatorToken } from "../../test/api";
import { communityMember as sharedCommunityMember } from "../../test/community";
import { appOrigin, signInByLink } from "../../test/sessions";
import type { Reply } from "./rpc-types";

// Issue 16's acceptance points, in the actor with the community preset and a fixed `nowMs`, and
// through the routes where concurrency is the point.

type Credit = {
  kind: string;
  sourceId: string;
  points: number;
  breakdown: { factor: string; value: number }[];
  features: string[];
  balance: number;
  tier: string;
  streak?: { current: number; longest: number; day: string; milestoneBonus: number; nextClaimAt: string };
  error?: { code: string; message: string; nextClaimAt?: string };
};

const concurrentCalls = 50;
const at = (iso: string) => Date.parse(iso);
const credit = (reply: { body: object }) => reply.body as Credit;
const weeklyOf = (reply: { body: object }) => credit(reply).breakdown.find((factor) => factor.factor === "weekly")?.value;

/** The shared community member, with the tables and view these tests read. */
async function communityMember(timezone = "UTC", options: { verified?: boolean } = {}) {
  const { memberId, action, claim, rows, stub } = await sharedCommunityMember(timezone, undefined, options);
  const journal = () => rows<{ ref: string; delta: number }>("SELECT ref, delta FROM entries WHERE kind = 'action' ORDER BY seq");
  const credits = () => rows<{ kind: string; source_id: string; points: number; week: string }>("SELECT kind, source_id, points, week FROM community_credits ORDER BY rowid");
  const idempotencyKeys = async () => (await rows<{ n: number }>("SELECT COUNT(*) AS n FROM idempotency"))[0].n;
  const view = async () => (await call("GET", `/v1/members/${memberId}`)).json;
  const viewAt = async (iso: string) => {
    const reply = await stub.view(at(iso));
    if (reply.status !== 200) throw new Error("no member");
    return reply.body;
  };
  return { memberId, action, claim, journal, credits, idempotencyKeys, view, viewAt };
}

/** "2026-11-23 #2 (longest 2)" for a claim, "409 until …" for a refusal: a day's outcome at a glance. */
function claimOutcome(reply: Reply): string {
  const body = credit(reply);
  if (reply.status === 201) return `${body.streak!.day} #${body.streak!.current} (longest ${body.streak!.longest})`;
  return `${reply.status} ${body.error!.code} until ${body.error!.nextClaimAt}`;
}

/** A fixed zone whose local time is near noon now, so that calls stamped with the real clock stay on one local day. */
function zoneNearLocalNoon(nowMs = Date.now()): string {
  const offsetHours = 12 - new Date(nowMs).getUTCHours();
  // POSIX-style names: Etc/GMT-5 is UTC+5.
  return offsetHours === 0 ? "UTC" : `Etc/GMT${offsetHours > 0 ? "-" : "+"}${Math.abs(offsetHours)}`;
}

describe("each action kind pays once, at its exact points", () => {
  it("pays the join bonus at enrollment, then 50 for an AMA, 30 for an event, 10 for chat, 5 for a vote, and replays each source under any key", async () => {
    const { action, journal, credits, view } = await communityMember("UTC");
    // The join bonus is held until the member's first qualifying action (§7a).
    expect(await journal()).toEqual([{ ref: "join:join", delta: 0 }]);
    // Each in its own ISO week, so the weekly multiplier is 1 and the points are the preset's.
    const firsts = [
      await action("voice_ama", "ama-1", "2026-11-30T12:00:00Z", "k-ama"),
      await action("live_event", "event-1", "2026-12-07T12:00:00Z", "k-event"),
      await action("chat_activity", "chat-2026-12-14", "2026-12-14T12:00:00Z", "k-chat"),
      await action("governance_vote", "proposal-1", "2026-12-21T12:00:00Z", "k-vote"),
    ];
    expect(firsts.map((reply) => [reply.status, credit(reply).kind, credit(reply).points, weeklyOf(reply), reply.replayed])).toEqual([
      [201, "voice_ama", 50, 1, false],
      [201, "live_event", 30, 1, false],
      [201, "chat_activity", 10, 1, false],
      [201, "governance_vote", 5, 1, false],
    ]);
    expect(credit(firsts[3]).balance).toBe(195);

    // The same source again, under its key, under another key, and a day later: the first answer, nothing paid.
    for (const [index, first] of firsts.entries()) {
      const { kind, sourceId } = credit(first);
      const iso = new Date(at("2026-12-22T12:00:00Z") + index * 3_600_000).toISOString();
      expect(await action(kind, sourceId, iso, `other-key-${index}`)).toEqual({ ...first, replayed: true });
      expect(await action(kind, sourceId, iso)).toEqual({ ...first, replayed: true });
    }
    expect(await action("voice_ama", "ama-1", "2026-12-23T12:00:00Z", "k-ama")).toEqual({ ...firsts[0], replayed: true });

    expect(await journal()).toEqual([
      { ref: "join:join", delta: 0 },
      { ref: "voice_ama:ama-1", delta: 50 },
      // The AMA verified the member: the held join bonus posted in the same transaction.
      { ref: "join:join", delta: 100 },
      { ref: "live_event:event-1", delta: 30 },
      { ref: "chat_activity:chat-2026-12-14", delta: 10 },
      { ref: "governance_vote:proposal-1", delta: 5 },
    ]);
    expect((await credits()).map((row) => [row.kind, row.source_id, row.points])).toEqual([
      ["join", "join", 100],
      ["voice_ama", "ama-1", 50],
      ["live_event", "event-1", 30],
      ["chat_activity", "chat-2026-12-14", 10],
      ["governance_vote", "proposal-1", 5],
    ]);
    expect((await view()).points).toMatchObject({ available: 195, lifetime: 195 });
  });

  it("pays the daily streak floor(5 × days / 10) each day and the 50-point bonus on the seventh, once per day", async () => {
    const { claim, journal, view } = await communityMember("UTC", { verified: true });
    // Monday 28 December 2026 to Sunday 3 January 2027: one ISO week (2026-W53) with no other feature.
    const days = ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"];
    const claims: Reply[] = [];
    for (const day of days) claims.push(await claim(`${day}T09:00:00Z`));
    expect(claims.map((reply) => [reply.status, credit(reply).streak!.current, credit(reply).points, credit(reply).streak!.milestoneBonus])).toEqual([
      [201, 1, 0, 0],
      [201, 2, 1, 0],
      [201, 3, 1, 0],
      [201, 4, 2, 0],
      [201, 5, 2, 0],
      [201, 6, 3, 0],
      // floor(5 × 7 / 10) = 3, plus the 7-day milestone; the streak is now a feature of the week, alone: 1×.
      [201, 7, 53, 50],
    ]);
    expect(credit(claims[6])).toMatchObject({ features: ["streak"] });
    expect(weeklyOf(claims[6])).toBe(1);
    const again = await claim("2027-01-03T23:59:00Z");
    expect([again.status, credit(again).error?.code]).toEqual([409, "streak_already_claimed"]);

    const streakEntries = (await journal()).filter((entry) => entry.ref.startsWith("daily_streak:"));
    expect(streakEntries).toEqual(days.map((day, index) => ({ ref: `daily_streak:${day}`, delta: [0, 1, 1, 2, 2, 3, 53][index] })));
    expect((await view()).points).toMatchObject({ available: 162, lifetime: 162, pending: 0 });
  });
});

describe("the same source is paid exactly once under 50 concurrent calls", () => {
  it("answers 50 parallel actor calls with different keys with one credit and 50 identical answers", async () => {
    const { action, journal, credits, view, idempotencyKeys } = await communityMember("UTC");
    const replies = await Promise.all(
      Array.from({ length: concurrentCalls }, (_, index) => action("voice_ama", "ama-concurrent", "2026-11-30T12:00:00Z", `concurrent-${index}`)),
    );
    expect(replies.every((reply) => reply.status === 201)).toBe(true);
    expect(replies.filter((reply) => !reply.replayed)).toHaveLength(1);
    const first = replies.find((reply) => !reply.replayed)!;
    expect(credit(first)).toMatchObject({ points: 50, balance: 150 });
    for (const reply of replies) expect(reply.body).toEqual(first.body);

    expect((await journal()).filter((entry) => entry.ref === "voice_ama:ama-concurrent")).toEqual([{ ref: "voice_ama:ama-concurrent", delta: 50 }]);
    expect((await credits()).filter((row) => row.source_id === "ama-concurrent")).toHaveLength(1);
    expect((await view()).points).toMatchObject({ available: 150, lifetime: 150 });
    // Every key kept its answer: a retry of any of them replays it.
    expect(await action("voice_ama", "ama-concurrent", "2026-11-30T13:30:00Z", "concurrent-17")).toEqual({ ...first, replayed: true });
    expect(await idempotencyKeys()).toBe(concurrentCalls);
  });

  it("answers 50 parallel POST /v1/members/{id}/actions with different Idempotency-Keys with one credit", async () => {
    const { memberId, journal, view } = await communityMember("UTC");
    const replies = await Promise.all(
      Array.from({ length: concurrentCalls }, (_, index) =>
        call("POST", `/v1/members/${memberId}/actions`, { body: { kind: "live_event", sourceId: "event-concurrent" }, headers: { "Idempotency-Key": `route-concurrent-${index}-${memberId}` } }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(concurrentCalls).fill(201));
    expect(replies.filter((reply) => reply.headers.get("Idempotent-Replayed") !== "true")).toHaveLength(1);
    for (const reply of replies) expect(reply.json).toEqual(replies[0].json);
    expect(replies[0].json).toMatchObject({ kind: "live_event", sourceId: "event-concurrent", points: 30, balance: 130 });
    expect((await journal()).filter((entry) => entry.ref === "live_event:event-concurrent")).toHaveLength(1);
    expect((await view()).points).toMatchObject({ available: 130, lifetime: 130 });
  });
});

describe("the weekly cross-feature multiplier", () => {
  it("is 1, 1.5, 2 and 3 at exactly 1, 2, 3 and 4 features in the member's ISO week", async () => {
    const { action, claim } = await communityMember("UTC");
    // Monday 30 November to Sunday 6 December 2026; the streak is claimed every morning.
    const claims: Reply[] = [];
    const morning = async (day: string) => claims.push(await claim(`${day}T08:00:00Z`));
    await morning("2026-11-30");
    const none = await action("governance_vote", "proposal-0", "2026-11-30T09:00:00Z");
    const voice = await action("voice_ama", "ama-1", "2026-11-30T12:00:00Z");
    const events = await action("live_event", "event-1", "2026-11-30T14:00:00Z");
    const chats: Reply[] = [];
    for (const day of ["2026-12-01", "2026-12-02", "2026-12-03"]) {
      await morning(day);
      chats.push(await action("chat_activity", `chat-${day}`, `${day}T12:00:00Z`));
    }
    for (const day of ["2026-12-04", "2026-12-05", "2026-12-06"]) await morning(day);
    const all = await action("governance_vote", "proposal-1", "2026-12-06T18:00:00Z");

    expect([none, voice, events, chats[1], chats[2], all].map((reply) => [credit(reply).features, weeklyOf(reply), credit(reply).points])).toEqual([
      [[], 1, 5],
      [["voice"], 1, 50],
      [["voice", "events"], 1.5, 45],
      // Two chat days are not yet the chat feature; the third is.
      [["voice", "events"], 1.5, 15],
      [["voice", "chat", "events"], 2, 20],
      [["voice", "chat", "events", "streak"], 3, 15],
    ]);
    // The seventh claim makes the streak the fourth feature: (3 + 50) × 3.
    expect([credit(claims[6]).features.length, weeklyOf(claims[6]), credit(claims[6]).points]).toEqual([4, 3, 159]);
    expect(credit(all).tier).toBe("BRONZE");
  });

  it("starts a new week at Monday 00:00 in the member's zone: Auckland's Sunday 23:30 and Monday 00:30 are one UTC day apart in weeks", async () => {
    // Sunday 29 November 2026 in Auckland (NZDT, UTC+13): 21:00, 23:30, then Monday 00:30 — all Sunday in UTC.
    const instants = ["2026-11-29T08:00:00Z", "2026-11-29T10:30:00Z", "2026-11-29T11:30:00Z"];
    const run = async (timezone: string) => {
      const { action, credits } = await communityMember(timezone);
      const replies = [
        await action("voice_ama", "ama-1", instants[0]),
        await action("live_event", "event-1", instants[1]),
        await action("voice_ama", "ama-2", instants[2]),
      ];
      return { replies, weeks: (await credits()).filter((row) => row.kind !== "join").map((row) => row.week) };
    };
    const auckland = await run("Pacific/Auckland");
    expect(auckland.weeks).toEqual(["2026-W48", "2026-W48", "2026-W49"]);
    expect(auckland.replies.map((reply) => [credit(reply).features, weeklyOf(reply), credit(reply).points])).toEqual([
      [["voice"], 1, 50],
      [["voice", "events"], 1.5, 45],
      // Monday in Auckland: last week's AMA and event no longer count.
      [["voice"], 1, 50],
    ]);
    // The same instants for a member in UTC are one week: the third action still has both features.
    const utc = await run("UTC");
    expect(utc.weeks).toEqual(["2026-W48", "2026-W48", "2026-W48"]);
    expect([credit(utc.replies[2]).features, weeklyOf(utc.replies[2]), credit(utc.replies[2]).points]).toEqual([["voice", "events"], 1.5, 75]);
  });
});

describe("the daily streak by the member's local day", () => {
  it("continues, refuses and restarts differently in Auckland and Honolulu for claims at the same UTC instants", async () => {
    // Auckland is UTC+13 in November, Honolulu UTC-10: 23 hours apart, so one instant is two local days.
    const instants = [
      "2026-11-23T09:30:00Z", // Auckland Mon 23 22:30 · Honolulu Sun 22 23:30
      "2026-11-23T10:30:00Z", // Auckland Mon 23 23:30 · Honolulu Mon 23 00:30
      "2026-11-23T11:30:00Z", // Auckland Tue 24 00:30 · Honolulu Mon 23 01:30
      "2026-11-24T10:30:00Z", // Auckland Tue 24 23:30 · Honolulu Tue 24 00:30
      "2026-11-25T11:30:00Z", // Auckland Thu 26 00:30 (25th missed) · Honolulu Wed 25 01:30
      "2026-11-27T10:30:00Z", // Auckland Fri 27 23:30 · Honolulu Fri 27 00:30 (26th missed)
    ];
    const claimAll = async (timezone: string) => {
      const member = await communityMember(timezone);
      const outcomes: string[] = [];
      for (const instant of instants) outcomes.push(claimOutcome(await member.claim(instant)));
      return { outcomes, streak: (await member.viewAt(instants[instants.length - 1])).streak };
    };
    const auckland = await claimAll("Pacific/Auckland");
    expect(auckland.outcomes).toEqual([
      "2026-11-23 #1 (longest 1)",
      "409 streak_already_claimed until 2026-11-23T11:00:00.000Z",
      "2026-11-24 #2 (longest 2)",
      "409 streak_already_claimed until 2026-11-24T11:00:00.000Z",
      "2026-11-26 #1 (longest 2)",
      "2026-11-27 #2 (longest 2)",
    ]);
    expect(auckland.streak).toEqual({ current: 2, longest: 2, lastClaimDay: "2026-11-27" });
    const honolulu = await claimAll("Pacific/Honolulu");
    expect(honolulu.outcomes).toEqual([
      "2026-11-22 #1 (longest 1)",
      "2026-11-23 #2 (longest 2)",
      "409 streak_already_claimed until 2026-11-24T10:00:00.000Z",
      "2026-11-24 #3 (longest 3)",
      "2026-11-25 #4 (longest 4)",
      "2026-11-27 #1 (longest 4)",
    ]);
    expect(honolulu.streak).toEqual({ current: 1, longest: 4, lastClaimDay: "2026-11-27" });
  });

  it("gives one 201 and 49 × 409 streak_already_claimed to 50 concurrent claims at one instant, and one credit in the journal", async () => {
    const { claim, journal, credits, viewAt } = await communityMember("Pacific/Auckland");
    const replies = await Promise.all(Array.from({ length: concurrentCalls }, () => claim("2026-11-24T10:30:00Z")));
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(1);
    const refused = replies.filter((reply) => reply.status === 409);
    expect(refused).toHaveLength(concurrentCalls - 1);
    for (const reply of refused) expect(credit(reply).error).toMatchObject({ code: "streak_already_claimed", nextClaimAt: "2026-11-24T11:00:00.000Z" });
    expect((await journal()).filter((entry) => entry.ref.startsWith("daily_streak:"))).toEqual([{ ref: "daily_streak:2026-11-24", delta: 0 }]);
    expect((await credits()).filter((row) => row.kind === "daily_streak")).toHaveLength(1);
    expect((await viewAt("2026-11-24T10:30:00Z")).streak).toEqual({ current: 1, longest: 1, lastClaimDay: "2026-11-24" });
  });

  it("gives one 201 and 49 × 409 to 50 concurrent POST /v1/me/streak/claim of a signed-in member", async () => {
    const { memberId, journal, view } = await communityMember(zoneNearLocalNoon());
    const { cookie } = await signInByLink(operatorToken, memberId);
    const replies = await Promise.all(
      Array.from({ length: concurrentCalls }, () => call("POST", "/v1/me/streak/claim", { token: null, headers: { Cookie: cookie, Origin: appOrigin } })),
    );
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(1);
    const refused = replies.filter((reply) => reply.status === 409);
    expect(refused.map((reply) => reply.json.error.code)).toEqual(Array(concurrentCalls - 1).fill("streak_already_claimed"));
    const claimed = replies.find((reply) => reply.status === 201)!;
    for (const reply of refused) expect(reply.json.error.nextClaimAt).toBe(claimed.json.streak.nextClaimAt);
    expect((await journal()).filter((entry) => entry.ref.startsWith("daily_streak:"))).toHaveLength(1);
    expect((await view()).streak).toMatchObject({ current: 1, longest: 1 });
  });
});

// Two defects these acceptance points found, fixed since: each test pins the intended behaviour.
describe("streak edge cases", () => {
  // A lapsed streak keeps its count in the counters until the next claim: it must not count as this week's feature.
  it("counts the streak as a feature only while it is unbroken: a 7-day streak that lapsed weeks ago adds nothing to an AMA", async () => {
    const { action, claim } = await communityMember("UTC");
    for (const day of ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]) await claim(`${day}T08:00:00Z`);
    // Last claimed on 6 December; by 23 December the streak has been broken for two weeks.
    const later = await action("voice_ama", "ama-late", "2026-12-23T12:00:00Z");
    expect([credit(later).features, weeklyOf(later), credit(later).points]).toEqual([["voice"], 1, 50]);
  });

  // Reserved kinds are paid once by their own path: a cooldown on them is refused when the config is written (issue 20).
  it("refuses a cooldown or a daily cap on daily_streak, join and referral in the program's config", async () => {
    for (const kind of ["daily_streak", "join", "referral"]) {
      const refused = await call("POST", "/v1/programs", { body: { name: "Cooled", preset: "community", overrides: { community: { actions: { [kind]: { points: 5, cooldownMinutes: 1500 } } } } } });
      expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([422, "validation_failed", expect.stringContaining(`${kind} is paid once by its own path`)]);
    }
  });
});
