import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../domain/rooms/frames";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { type FakeTencentCall, fakeTencentUrl } from "../../test/fake-tencent";
import { appOrigin, signInByLink } from "../../test/sessions";

type Member = { id: string; cookie: string };

/** A community program with a GOLD host (who may schedule), a GOLD member and a BRONZE member, all verified and signed in. */
async function community() {
  const program = await createProgram("Nebula", "community");
  const join = async (ref: string, points: number): Promise<Member> => {
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `${ref}-${crypto.randomUUID()}` } });
    const id = enrolled.json.id as string;
    await call("POST", `/v1/members/${id}/actions`, { body: { kind: "governance_vote", sourceId: "first-vote" }, headers: { "Idempotency-Key": newKey() } });
    if (points > 0) await call("POST", `/v1/members/${id}/adjustments`, { body: { points, reason: "tier for the test", qualifies: true }, headers: { "Idempotency-Key": newKey() } });
    return { id, cookie: (await signInByLink(operatorToken, id)).cookie };
  };
  return { program, host: await join("host", 10_000), gold: await join("gold", 10_000), bronze: await join("bronze", 0) };
}

const as = (member: Member, method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
  call(method, path, { token: null, body, headers: { Cookie: member.cookie, Origin: appOrigin, ...headers } });

async function schedule(programId: string, host: Member) {
  const startsAt = new Date(Date.now() + 60_000).toISOString();
  const scheduled = await as(host, "POST", `/v1/programs/${programId}/amas`, { title: "Roadmap AMA", startsAt, plannedMinutes: 60 }, { "Idempotency-Key": newKey() });
  expect(scheduled.status, JSON.stringify(scheduled.json)).toBe(201);
  return scheduled.json.id as string;
}

/** A room socket through the Worker, collecting the frames it receives. */
async function connect(member: Member, amaId: string, lastSeq?: number) {
  const query = lastSeq === undefined ? "" : `?lastSeq=${lastSeq}`;
  const response = await exports.default.fetch(`https://loyalty.test/v1/amas/${amaId}/socket${query}`, { headers: { Upgrade: "websocket", Cookie: member.cookie, Origin: appOrigin } });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  const frames: ServerFrame[] = [];
  socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data)) as ServerFrame));
  const send = (frame: object) => socket.send(JSON.stringify(frame));
  const events = () => frames.flatMap((frame) => (frame.type === "events" ? frame.events : []));
  const until = async (check: () => boolean) => {
    for (let wait = 0; wait < 100 && !check(); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(check()).toBe(true);
  };
  return { socket, frames, send, events, until };
}

describe("AMA rooms (issue 21)", () => {
  it("schedules behind the scheduleAma gate, lists, and answers the browser's TRTC credentials with a string room id", async () => {
    const { program, host, bronze } = await community();
    const refused = await as(bronze, "POST", `/v1/programs/${program.id}/amas`, { title: "Mine", startsAt: new Date().toISOString(), plannedMinutes: 30 }, { "Idempotency-Key": newKey() });
    expect([refused.status, refused.json.error.code]).toEqual([403, "gate_failed"]);
    const amaId = await schedule(program.id, host);
    const listed = await as(bronze, "GET", `/v1/programs/${program.id}/amas`);
    expect(listed.json.amas.map((ama: { id: string }) => ama.id)).toContain(amaId);
    const joined = await as(bronze, "POST", `/v1/amas/${amaId}/join`);
    expect(joined.json).toMatchObject({ amaId, roomId: amaId, userId: bronze.id, role: "listener", sdkAppId: expect.any(Number), socketUrl: expect.stringMatching(/^wss?:\/\/.+\/v1\/amas\/.+\/socket$/) });
    expect(typeof joined.json.roomId).toBe("string");
    expect(JSON.stringify(joined.json)).not.toContain(String(env.TRTC_SECRET_KEY));
    expect((await as(host, "POST", `/v1/amas/${amaId}/join`)).json.role).toBe("host");
  });

  it("orders raised hands by tier then time, tells every socket in order, and refuses host actions to others with not_host", async () => {
    const { program, host, gold, bronze } = await community();
    const amaId = await schedule(program.id, host);
    const hostSocket = await connect(host, amaId);
    const bronzeSocket = await connect(bronze, amaId);
    const goldSocket = await connect(gold, amaId);
    hostSocket.send({ type: "start" });
    await bronzeSocket.until(() => bronzeSocket.events().some((event) => event.type === "room_started"));
    bronzeSocket.send({ type: "raise_hand" });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "hand_raised"));
    goldSocket.send({ type: "raise_hand" });
    await hostSocket.until(() => hostSocket.events().filter((event) => event.type === "hand_raised").length === 2);
    const detail = await as(host, "GET", `/v1/amas/${amaId}`);
    expect(detail.json.room.state.queue.map((entry: { memberId: string }) => entry.memberId)).toEqual([gold.id, bronze.id]);
    bronzeSocket.send({ type: "promote", memberId: bronze.id });
    await bronzeSocket.until(() => bronzeSocket.frames.some((frame) => frame.type === "error"));
    expect(bronzeSocket.frames.find((frame) => frame.type === "error")).toMatchObject({ code: "not_host" });
    hostSocket.send({ type: "promote", memberId: gold.id });
    await goldSocket.until(() => goldSocket.events().some((event) => event.type === "speaker_promoted"));
    // Invited, gold gets a speaker's key (to switch the microphone on), then takes the stage within the timeout.
    expect((await as(gold, "POST", `/v1/amas/${amaId}/join`)).json.role).toBe("speaker");
    goldSocket.send({ type: "take_stage" });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "speaker_arrived"));
    expect((await as(host, "GET", `/v1/amas/${amaId}`)).json.room.state.speakers.map((speaker: { memberId: string }) => speaker.memberId)).toEqual([gold.id]);
    // Every socket saw the same changes in the same order, one sequence number each.
    const sequence = (socket: Awaited<ReturnType<typeof connect>>) => socket.frames.filter((frame) => frame.type === "events").map((frame) => (frame.type === "events" ? `${frame.fromSeq}-${frame.toSeq}` : ""));
    const tail = (list: string[]) => list.slice(-2);
    expect(tail(sequence(goldSocket))).toEqual(tail(sequence(hostSocket)));
    bronzeSocket.send({ type: "not_a_frame" });
    await bronzeSocket.until(() => bronzeSocket.frames.filter((frame) => frame.type === "error").length === 2);
    expect(bronzeSocket.frames.filter((frame) => frame.type === "error")[1]).toMatchObject({ code: "bad_frame" });
  });

  it("resumes a reconnecting socket with exactly the changes it missed", async () => {
    const { program, host, gold, bronze } = await community();
    const amaId = await schedule(program.id, host);
    const hostSocket = await connect(host, amaId);
    hostSocket.send({ type: "start" });
    const first = await connect(bronze, amaId);
    await first.until(() => first.frames.length > 0);
    const seenSeq = (await as(host, "GET", `/v1/amas/${amaId}`)).json.room.seq as number;
    first.socket.close(1000, "phone went to sleep");
    const goldSocket = await connect(gold, amaId);
    goldSocket.send({ type: "raise_hand" });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "hand_raised"));
    const again = await connect(bronze, amaId, seenSeq);
    await again.until(() => again.events().some((event) => event.type === "hand_raised"));
    const resumed = again.frames.filter((frame) => frame.type === "events");
    expect(resumed[0]).toMatchObject({ fromSeq: seenSeq + 1 });
    expect(again.frames.some((frame) => frame.type === "snapshot")).toBe(false);
  });

  it("refuses a socket without a session or from another site", async () => {
    const { program, host } = await community();
    const amaId = await schedule(program.id, host);
    const anonymous = await exports.default.fetch(`https://loyalty.test/v1/amas/${amaId}/socket`, { headers: { Upgrade: "websocket", Origin: appOrigin } });
    expect(anonymous.status).toBe(401);
    const elsewhere = await exports.default.fetch(`https://loyalty.test/v1/amas/${amaId}/socket`, { headers: { Upgrade: "websocket", Origin: "https://evil.example", Cookie: host.cookie } });
    expect(elsewhere.status).toBe(403);
  });

  it("pays voice_ama once for 15 minutes of socket presence, and nothing for TRTC presence without a socket", async () => {
    const { program, host, gold, bronze } = await community();
    const amaId = await schedule(program.id, host);
    const room = env.ROOM.getByName(amaId);
    // The host started it 20 minutes ago, and gold's socket has been there since (the room is given the time).
    const shiftMs = 20 * 60_000;
    expect(await room.command({ type: "start", by: host.id }, Date.now() - shiftMs)).toMatchObject({ ok: true });
    const goldSocket = await connect(gold, amaId);
    await goldSocket.until(() => goldSocket.frames.length > 0);
    await runInDurableObject(room, (_instance, state) => state.storage.sql.exec("UPDATE socket_presence SET start_ms = start_ms - ?, last_seen_ms = ?", shiftMs, Date.now()));
    // A script holding bronze's UserSig is in TRTC for the whole AMA, but bronze's socket never was.
    await room.trtcEvent({ eventType: 103, roomId: amaId, userId: bronze.id, atMs: Date.now() - 19 * 60_000, reason: null, role: 21 });
    await room.trtcEvent({ eventType: 103, roomId: amaId, userId: gold.id, atMs: Date.now() - 19 * 60_000, reason: null, role: 21 });
    expect((await as(host, "POST", `/v1/amas/${amaId}/end`)).json.status).toBe("ended");
    const view = async (member: Member) => (await as(member, "GET", "/v1/me")).json;
    await goldSocket.until(() => true);
    const ledger = async (member: Member) => (await as(member, "GET", "/v1/me/ledger")).json.entries as { detail: { kind?: string; sourceId?: string } | null }[];
    expect((await ledger(gold)).filter((entry) => entry.detail?.kind === "voice_ama" && entry.detail.sourceId === amaId)).toHaveLength(1);
    expect((await ledger(bronze)).filter((entry) => entry.detail?.kind === "voice_ama")).toHaveLength(0);
    expect((await as(gold, "GET", `/v1/amas/${amaId}`)).json.attendance).toMatchObject({ credit: "paid" });
    // Ending again, or a replayed callback set, pays nothing more.
    await room.trtcEvent({ eventType: 103, roomId: amaId, userId: gold.id, atMs: Date.now() - 19 * 60_000, reason: null, role: 21 });
    expect((await ledger(gold)).filter((entry) => entry.detail?.kind === "voice_ama")).toHaveLength(1);
    expect((await view(gold)).id).toBe(gold.id);
  });

  it("ends itself after the planned length plus a grace, and the list no longer shows it", async () => {
    const { program, host } = await community();
    const amaId = await schedule(program.id, host);
    const room = env.ROOM.getByName(amaId);
    expect(await room.command({ type: "start", by: host.id })).toMatchObject({ ok: true });
    // The planned end moved into the past, as if the AMA had started 2 hours ago.
    await runInDurableObject(room, (_instance, state) => state.storage.sql.exec("UPDATE room SET starts_at_ms = starts_at_ms - ?", 2 * 3_600_000));
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await room.snapshot())!.state.status).toBe("ended");
    const listed = await as(host, "GET", `/v1/programs/${program.id}/amas`);
    expect(listed.json.amas.map((ama: { id: string }) => ama.id)).not.toContain(amaId);
  });

  it("mutes a demoted speaker in TRTC with a correctly signed SetUserBlocked, and unblocks on promotion", async () => {
    const { program, host, gold } = await community();
    const amaId = await schedule(program.id, host);
    const hostSocket = await connect(host, amaId);
    const goldSocket = await connect(gold, amaId);
    hostSocket.send({ type: "start" });
    goldSocket.send({ type: "raise_hand" });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "hand_raised"));
    hostSocket.send({ type: "promote", memberId: gold.id });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "speaker_promoted"));
    hostSocket.send({ type: "demote", memberId: gold.id });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "speaker_demoted"));
    const calls = async () => (await (await fetch(`${fakeTencentUrl}/__calls?roomId=${encodeURIComponent(amaId)}`)).json()) as FakeTencentCall[];
    for (let wait = 0; wait < 100 && (await calls()).length < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    const made = await calls();
    expect(made.map((call) => [call.action, call.params.UserId, call.params.IsMute, call.errorCode])).toEqual([
      ["SetUserBlockedByStrRoomId", gold.id, 0, null],
      ["SetUserBlockedByStrRoomId", gold.id, 1, null],
    ]);
    expect(made.every((call) => call.params.StrRoomId === amaId)).toBe(true);
  });

  it("keeps a member the host removed out of the room: their socket closes and a new one is refused", async () => {
    const { program, host, bronze } = await community();
    const amaId = await schedule(program.id, host);
    const hostSocket = await connect(host, amaId);
    const bronzeSocket = await connect(bronze, amaId);
    let closedWith: number | null = null;
    bronzeSocket.socket.addEventListener("close", (event) => (closedWith = event.code));
    hostSocket.send({ type: "remove", memberId: bronze.id });
    await hostSocket.until(() => hostSocket.events().some((event) => event.type === "member_removed"));
    await bronzeSocket.until(() => closedWith !== null);
    expect(closedWith).toBe(4003);
    const again = await exports.default.fetch(`https://loyalty.test/v1/amas/${amaId}/socket`, { headers: { Upgrade: "websocket", Cookie: bronze.cookie, Origin: appOrigin } });
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([403, "removed_from_ama"]);
  });
});
