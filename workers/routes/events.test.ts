import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventChange, EventServerFrame } from "../../domain/events/frames";
import { registrationInvariantViolations } from "../../domain/events/registration";
import { loadEventState } from "../../durable-objects/event/event-store";
import type { EventRow } from "../../durable-objects/event/event-store";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { appOrigin, signInByLink } from "../../test/sessions";

type Member = { id: string; cookie: string };
const [bronze, gold, diamond] = [0, 2_000, 10_000];

/** A member of `programId` with `points` of tier-qualifying points, verified and signed in. */
async function join(programId: string, points: number): Promise<Member> {
  const enrolled = await call("POST", "/v1/members", { body: { programId, externalRef: `m-${crypto.randomUUID()}` } });
  const id = enrolled.json.id as string;
  await call("POST", `/v1/members/${id}/actions`, { body: { kind: "governance_vote", sourceId: "first-vote" }, headers: { "Idempotency-Key": newKey() } });
  if (points > 0) await call("POST", `/v1/members/${id}/adjustments`, { body: { points, reason: "tier for the test", qualifies: true }, headers: { "Idempotency-Key": newKey() } });
  return { id, cookie: (await signInByLink(operatorToken, id)).cookie };
}

const as = (member: Member, method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
  call(method, path, { token: null, body, headers: { Cookie: member.cookie, Origin: appOrigin, ...headers } });

async function community(overrides?: object) {
  const program = await createProgram("Nebula", "community", overrides);
  return { program, host: await join(program.id, diamond) };
}

/** The later milestones pay the kinds the program configures; the preset has none, so these tests add them. */
const milestoneKinds = { community: { actions: { live_event_30m: { points: 10, feature: "events" }, live_event_60m: { points: 20, feature: "events" } } } };

async function createEvent(programId: string, host: Member, fields: Record<string, unknown> = {}) {
  const body = { title: "Season 2 community call", startsAt: new Date(Date.now() - 60_000).toISOString(), lengthMinutes: 120, capacity: 1, minTier: "BRONZE", hasAudio: true, ...fields };
  const created = await as(host, "POST", `/v1/programs/${programId}/events`, body, { "Idempotency-Key": newKey() });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json.id as string;
}

/** An event socket through the Worker, collecting its frames. */
async function connect(member: Member, eventId: string) {
  const response = await exports.default.fetch(`https://loyalty.test/v1/events/${eventId}/socket`, { headers: { Upgrade: "websocket", Cookie: member.cookie, Origin: appOrigin } });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  const frames: EventServerFrame[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as EventServerFrame);
  });
  const changes = () => frames.flatMap((frame): EventChange[] => (frame.type === "events" ? frame.events : []));
  const until = async (check: () => boolean) => {
    for (let wait = 0; wait < 150 && !check(); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(check()).toBe(true);
  };
  return { socket, frames, changes, until, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

describe("live events (issue 22)", () => {
  it("creates behind the createEvent gate (DIAMOND), answers a repeated key with the same event, and lists it with counts", async () => {
    const { program, host } = await community();
    const goldMember = await join(program.id, gold);
    const refused = await as(goldMember, "POST", `/v1/programs/${program.id}/events`, { title: "Mine", startsAt: new Date().toISOString(), lengthMinutes: 60, capacity: 10, minTier: "BRONZE", hasAudio: false }, { "Idempotency-Key": newKey() });
    expect([refused.status, refused.json.error.code]).toEqual([403, "gate_failed"]);
    const key = newKey();
    const body = { title: "Season 2 call", startsAt: new Date(Date.now() + 3_600_000).toISOString(), lengthMinutes: 60, capacity: 100, minTier: "SILVER", hasAudio: false };
    const first = await as(host, "POST", `/v1/programs/${program.id}/events`, body, { "Idempotency-Key": key });
    const again = await as(host, "POST", `/v1/programs/${program.id}/events`, body, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(first.json.counts).toEqual({ capacity: 100, overflowSeats: 10, registered: 0, overflow: 0, waitlisted: 0 });
    const other = await as(host, "POST", `/v1/programs/${program.id}/events`, { ...body, capacity: 5 }, { "Idempotency-Key": key });
    expect([other.status, other.json.error.code]).toEqual([422, "idempotency_key_reused"]);
    const over = await as(host, "POST", `/v1/programs/${program.id}/events`, { ...body, startsAt: new Date(Date.now() - 2 * 3_600_000).toISOString() }, { "Idempotency-Key": newKey() });
    expect([over.status, over.json.error.code]).toEqual([422, "event_already_over"]);
    const unknownTier = await as(host, "POST", `/v1/programs/${program.id}/events`, { ...body, minTier: "PLATINUM" }, { "Idempotency-Key": newKey() });
    expect([unknownTier.status, unknownTier.json.error.code]).toEqual([422, "unknown_tier"]);
    // Another program's member finds nothing: its events answer 404 as if they did not exist.
    const elsewhere = await community();
    expect((await as(elsewhere.host, "GET", `/v1/events/${first.json.id}`)).json.error.code).toBe("event_not_found");
    expect((await as(elsewhere.host, "POST", `/v1/events/${first.json.id}/registration`)).status).toBe(404);
    const listed = await as(goldMember, "GET", `/v1/programs/${program.id}/events`);
    expect(listed.json.events.map((event: { id: string }) => event.id)).toContain(first.json.id);
    // minTier SILVER: a BRONZE member is refused with the reason.
    const bronzeMember = await join(program.id, bronze);
    const low = await as(bronzeMember, "POST", `/v1/events/${first.json.id}/registration`);
    expect([low.status, low.json.error.code]).toEqual([403, "tier_too_low"]);
  });

  it("seats the last regular seat, a DIAMOND in overflow, waitlists the rest, and promotes the next one at once on a cancellation", async () => {
    const { program, host } = await community();
    const eventId = await createEvent(program.id, host, { capacity: 1, overflowSeats: 1 });
    const [lastSeat, overflow, waiting] = [await join(program.id, bronze), await join(program.id, diamond), await join(program.id, gold)];
    expect((await as(lastSeat, "POST", `/v1/events/${eventId}/registration`)).json.registration).toEqual({ status: "registered", seat: "regular" });
    expect((await as(overflow, "POST", `/v1/events/${eventId}/registration`)).json.registration).toEqual({ status: "registered", seat: "overflow" });
    const waitlisted = await as(waiting, "POST", `/v1/events/${eventId}/registration`);
    expect(waitlisted.json).toMatchObject({ registration: { status: "waitlisted", position: 1 }, counts: { registered: 1, overflow: 1, waitlisted: 1 } });
    expect((await as(lastSeat, "POST", `/v1/events/${eventId}/registration`)).json.error.code).toBe("already_registered");
    expect((await as(waiting, "POST", `/v1/events/${eventId}/join`)).status).toBe(403);
    const lastSeatSocket = await connect(lastSeat, eventId);
    let closedWith: number | null = null;
    lastSeatSocket.socket.addEventListener("close", (event) => {
      closedWith = event.code;
    });
    const cancelled = await as(lastSeat, "DELETE", `/v1/events/${eventId}/registration`);
    // Without a seat the member is no longer in the event: the socket closes (no Q&A, votes or milestones).
    await lastSeatSocket.until(() => closedWith === 4003);
    expect(cancelled.json).toMatchObject({ registration: { status: "none" }, counts: { registered: 1, overflow: 1, waitlisted: 0 } });
    const promoted = await as(waiting, "GET", `/v1/events/${eventId}`);
    expect(promoted.json.registration).toEqual({ status: "registered", seat: "regular" });
    expect(promoted.json.notices).toEqual([expect.objectContaining({ kind: "promoted", seat: "regular" })]);
    const joined = await as(waiting, "POST", `/v1/events/${eventId}/join`);
    expect(joined.json).toMatchObject({ eventId, role: "attendee", audio: { roomId: eventId, userId: waiting.id } });
    expect(typeof joined.json.audio.roomId).toBe("string");
  });

  it("gives exactly 100 seats + 10 DIAMOND overflow to 500 concurrent registrations, the rest waitlisted by tier then time", { timeout: 240_000 }, async () => {
    const { program, host } = await community();
    const eventId = await createEvent(program.id, host, { capacity: 100 });
    const members: { member: Member; tier: number }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const tiers = Array.from({ length: 50 }, (_, index) => [bronze, 500, gold, diamond][(batch * 50 + index) % 4]);
      members.push(...(await Promise.all(tiers.map(async (points) => ({ member: await join(program.id, points), tier: points })))));
    }
    const answers = await Promise.all(members.map(({ member }) => as(member, "POST", `/v1/events/${eventId}/registration`)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const seated = answers.filter((answer) => answer.json.registration.status === "registered");
    expect(seated.filter((answer) => answer.json.registration.seat === "regular")).toHaveLength(100);
    expect(seated.filter((answer) => answer.json.registration.seat === "overflow")).toHaveLength(10);
    const detail = await as(host, "GET", `/v1/events/${eventId}`);
    expect(detail.json.view.counts).toEqual({ capacity: 100, overflowSeats: 10, registered: 100, overflow: 10, waitlisted: 390 });
    // Rebuilt from the actor's rows: every invariant holds, the waitlist runs by tier then time.
    const state = await runInDurableObject(env.EVENT.getByName(eventId), (_instance, actor) => loadEventState(actor.storage.sql, actor.storage.sql.exec<EventRow>("SELECT * FROM event").one()));
    expect(registrationInvariantViolations(state.registration)).toEqual([]);
    const ranks = state.registration.waitlist.map((entry) => entry.tierRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    // The overflow seats went to DIAMONDs only.
    expect(state.registration.registered.filter((entry) => entry.seat === "overflow").every((entry) => entry.tierRank === 3)).toBe(true);
  });

  it("orders Q&A by asker tier, then votes, then time; upvotes count once; the host hides; polls tally vote changes and a closed poll is final", { timeout: 30_000 }, async () => {
    const { program, host } = await community();
    const eventId = await createEvent(program.id, host, { capacity: 10 });
    const [b, g] = [await join(program.id, bronze), await join(program.id, gold)];
    for (const member of [b, g]) await as(member, "POST", `/v1/events/${eventId}/registration`);
    const hostSocket = await connect(host, eventId);
    const bSocket = await connect(b, eventId);
    const gSocket = await connect(g, eventId);
    bSocket.send({ type: "ask", text: "When is the token launch?" });
    await hostSocket.until(() => hostSocket.changes().some((change) => change.type === "question_asked"));
    gSocket.send({ type: "ask", text: "Will there be staking?" });
    bSocket.send({ type: "ask", text: "A second one at once" });
    await bSocket.until(() => bSocket.frames.some((frame) => frame.type === "error" && frame.code === "ask_cooldown"));
    await hostSocket.until(() => hostSocket.changes().filter((change) => change.type === "question_asked").length === 2);
    gSocket.send({ type: "upvote", questionId: 1 });
    gSocket.send({ type: "upvote", questionId: 1 });
    bSocket.send({ type: "upvote", questionId: 1 });
    await gSocket.until(() => gSocket.frames.some((frame) => frame.type === "error" && frame.code === "already_upvoted"));
    await bSocket.until(() => bSocket.frames.some((frame) => frame.type === "error" && frame.code === "own_question"));
    const board = (await as(b, "GET", `/v1/events/${eventId}`)).json.view.questions;
    expect(board.map((question: { askerId: string; votes: number }) => [question.askerId, question.votes])).toEqual([[g.id, 0], [b.id, 1]]);
    bSocket.send({ type: "hide", questionId: 2 });
    await bSocket.until(() => bSocket.frames.some((frame) => frame.type === "error" && frame.code === "not_host"));
    hostSocket.send({ type: "hide", questionId: 2 });
    await bSocket.until(() => bSocket.changes().some((change) => change.type === "question_hidden"));

    hostSocket.send({ type: "open_poll", question: "Next feature?", options: ["Staking", "Quests"], multiple: false });
    await bSocket.until(() => bSocket.changes().some((change) => change.type === "poll_opened"));
    bSocket.send({ type: "vote", pollId: 1, choices: [0] });
    gSocket.send({ type: "vote", pollId: 1, choices: [0] });
    await hostSocket.until(() => hostSocket.changes().some((change) => change.type === "poll_tallied" && change.tallies.join() === "2,0"));
    bSocket.send({ type: "vote", pollId: 1, choices: [1] });
    await gSocket.until(() => gSocket.changes().some((change) => change.type === "poll_tallied" && change.tallies.join() === "1,1"));
    hostSocket.send({ type: "close_poll", pollId: 1 });
    await bSocket.until(() => bSocket.changes().some((change) => change.type === "poll_closed"));
    bSocket.send({ type: "vote", pollId: 1, choices: [0] });
    await bSocket.until(() => bSocket.frames.some((frame) => frame.type === "error" && frame.code === "poll_closed"));
    const polls = (await as(b, "GET", `/v1/events/${eventId}`)).json.view.polls;
    expect(polls).toEqual([expect.objectContaining({ status: "closed", tallies: [1, 1] })]);
  });

  it("pays the 10, 30 and 60-minute milestones once each, live_event once per event, and nothing to the host", async () => {
    const { program, host } = await community(milestoneKinds);
    const eventId = await createEvent(program.id, host, { capacity: 10, startsAt: new Date(Date.now() - 70 * 60_000).toISOString() });
    const attendee = await join(program.id, bronze);
    await as(attendee, "POST", `/v1/events/${eventId}/registration`);
    const socket = await connect(attendee, eventId);
    const hostSocket = await connect(host, eventId);
    // Both sockets have been open, heartbeating, for 61 minutes.
    await runInDurableObject(env.EVENT.getByName(eventId), (_instance, actor) => {
      actor.storage.sql.exec("UPDATE socket_presence SET start_ms = ?, last_seen_ms = ?", Date.now() - 61 * 60_000, Date.now() - 10_000);
    });
    hostSocket.send({ type: "heartbeat", lastSeq: 0 });
    socket.send({ type: "heartbeat", lastSeq: 0 });
    socket.send({ type: "heartbeat", lastSeq: 0 });
    await socket.until(() => socket.frames.some((frame) => frame.type === "attendance" && frame.milestones.every((milestone) => milestone.status === "paid")));
    socket.send({ type: "heartbeat", lastSeq: 0 });
    const ledger = await call("GET", `/v1/members/${attendee.id}/ledger`);
    const refs = ledger.json.entries.map((entry: { ref?: string; refs?: unknown }) => JSON.stringify(entry)).join("\n");
    expect(refs.match(/live_event:/g)?.length).toBe(1);
    expect(refs).toContain(`live_event:${eventId}`);
    expect(refs).toContain(`live_event_30m:${eventId}:30m`);
    expect(refs).toContain(`live_event_60m:${eventId}:60m`);
    const detail = await as(attendee, "GET", `/v1/events/${eventId}`);
    expect(detail.json.milestones.map((milestone: { status: string }) => milestone.status)).toEqual(["paid", "paid", "paid"]);
    expect(detail.json.presentMs).toBeGreaterThanOrEqual(61 * 60_000);
    const hostDetail = await as(host, "GET", `/v1/events/${eventId}`);
    expect(hostDetail.json.presentMs).toBeGreaterThan(60 * 60_000);
    expect(hostDetail.json.milestones.map((milestone: { status: string }) => milestone.status)).toEqual(["not_yet", "not_yet", "not_yet"]);
  });

  it("in the preset, which configures no later milestone kinds, pays live_event at 10 minutes and neither owes nor shows the others", async () => {
    const { program, host } = await community();
    const eventId = await createEvent(program.id, host, { capacity: 10, startsAt: new Date(Date.now() - 70 * 60_000).toISOString() });
    const attendee = await join(program.id, bronze);
    await as(attendee, "POST", `/v1/events/${eventId}/registration`);
    const socket = await connect(attendee, eventId);
    await runInDurableObject(env.EVENT.getByName(eventId), (_instance, actor) => {
      actor.storage.sql.exec("UPDATE socket_presence SET start_ms = ?, last_seen_ms = ?", Date.now() - 61 * 60_000, Date.now() - 10_000);
    });
    socket.send({ type: "heartbeat", lastSeq: 0 });
    await socket.until(() => socket.frames.some((frame) => frame.type === "attendance" && frame.milestones.every((milestone) => milestone.status !== "not_yet" && milestone.status !== "owed")));
    const detail = await as(attendee, "GET", `/v1/events/${eventId}`);
    expect(detail.json.milestones.map((milestone: { minutes: number; status: string }) => [milestone.minutes, milestone.status])).toEqual([[10, "paid"]]);
    const owed = await runInDurableObject(env.EVENT.getByName(eventId), (_instance, actor) => actor.storage.sql.exec("SELECT minutes FROM milestone_credits").toArray());
    expect(owed).toEqual([{ minutes: 10 }]);
  });

  it("refuses the socket to a member not registered, and answers a bad frame with an error frame", async () => {
    const { program, host } = await community();
    const eventId = await createEvent(program.id, host, { capacity: 10 });
    const stranger = await join(program.id, bronze);
    const refused = await exports.default.fetch(`https://loyalty.test/v1/events/${eventId}/socket`, { headers: { Upgrade: "websocket", Cookie: stranger.cookie, Origin: appOrigin } });
    expect(refused.status).toBe(403);
    const otherSite = await exports.default.fetch(`https://loyalty.test/v1/events/${eventId}/socket`, { headers: { Upgrade: "websocket", Cookie: host.cookie, Origin: "https://evil.test" } });
    expect(otherSite.status).toBe(403);
    const hostSocket = await connect(host, eventId);
    hostSocket.send({ type: "warp_drive" });
    hostSocket.socket.send("{not json");
    await hostSocket.until(() => hostSocket.frames.filter((frame) => frame.type === "error").length === 2);
    expect(hostSocket.frames[0]).toMatchObject({ type: "snapshot", state: { status: "live", hostId: host.id } });
  });
});
