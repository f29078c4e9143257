import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../domain/rooms/frames";
import { scheduledRoom } from "../../test/rooms";

// The room's sockets directly (the Worker's session check has its own tests in workers/routes/amas.test.ts).

const clientCount = 200;

async function socketFor(room: DurableObjectStub<import("./room").Room>, memberId: string, tierRank = 0) {
  const response = await room.fetch("https://room/", { headers: { Upgrade: "websocket", "X-Member-Id": memberId, "X-Tier-Rank": String(tierRank) } });
  const socket = response.webSocket!;
  socket.accept();
  const frames: ServerFrame[] = [];
  socket.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as ServerFrame);
  });
  return { socket, frames, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

const sequenceOf = (frames: ServerFrame[]) => frames.flatMap((frame) => (frame.type === "events" ? frame.events.map((event, index) => `${frame.fromSeq + index}:${event.type}:${"memberId" in event ? event.memberId : ""}`) : []));

describe("the room's sockets", () => {
  it(`tells ${clientCount} sockets every change, in the same order`, { timeout: 60_000 }, async () => {
    const { room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    const clients = [];
    for (let index = 0; index < clientCount; index++) clients.push(await socketFor(room, `mem_${String(index).padStart(24, "0")}`, index % 4));
    host.send({ type: "start" });
    for (const client of clients.slice(0, 20)) client.send({ type: "raise_hand" });
    const lastHand = `hand_raised:${`mem_${String(19).padStart(24, "0")}`}`;
    for (let wait = 0; wait < 200 && !clients.every((client) => sequenceOf(client.frames).some((entry) => entry.endsWith(lastHand))); wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    // From the start on, each socket saw the same changes in the same order, one sequence number each.
    const fromStart = (frames: ServerFrame[]) => {
      const sequence = sequenceOf(frames);
      return sequence.slice(sequence.findIndex((entry) => entry.includes(":room_started:")));
    };
    const reference = fromStart(host.frames);
    expect(reference.filter((entry) => entry.includes(":hand_raised:"))).toHaveLength(20);
    for (const client of clients) expect(fromStart(client.frames)).toEqual(reference);
  });

  it("rebuilds its queue from storage after a restart: no raised hand is lost", async () => {
    const { amaId, room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const members = ["mem_a00000000000000000000000", "mem_b00000000000000000000000", "mem_c00000000000000000000000"];
    for (const [rank, memberId] of members.entries()) (await socketFor(room, memberId, rank)).send({ type: "raise_hand" });
    for (let wait = 0; wait < 100 && (await room.snapshot())!.state.queue.length < 3; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = (await room.snapshot())!;
    await expect(runInDurableObject(room, (_instance, state) => state.abort("restarted by the test"))).rejects.toThrow();
    // A fresh stub reaches the restarted object, which reads its state back from SQLite.
    const after = (await env.ROOM.getByName(amaId).snapshot())!;
    expect(after.state.queue.map((entry) => entry.memberId)).toEqual(before.state.queue.map((entry) => entry.memberId));
    expect(after.state.queue.map((entry) => entry.memberId)).toEqual([members[2], members[1], members[0]]);
    expect(after.seq).toBe(before.seq);
  });

  it("hibernates while idle with sockets open, and wakes with its state when a socket speaks", { timeout: 40_000 }, async () => {
    const { room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const member = await socketFor(room, "mem_h00000000000000000000000", 2);
    member.send({ type: "raise_hand" });
    for (let wait = 0; wait < 100 && (await room.snapshot())!.state.queue.length < 1; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = await runInDurableObject(room, (instance) => instance);
    // workerd evicts an actor idle for 10 s; hibernatable sockets stay open without it.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    member.send({ type: "lower_hand" });
    for (let wait = 0; wait < 100 && !sequenceOf(host.frames).some((entry) => entry.includes(":hand_lowered:")); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await runInDurableObject(room, (instance) => instance);
    expect(after).not.toBe(before);
    expect(sequenceOf(host.frames).filter((entry) => entry.includes(":hand_")).map((entry) => entry.split(":").slice(1).join(":"))).toEqual(["hand_raised:mem_h00000000000000000000000", "hand_lowered:mem_h00000000000000000000000"]);
  });

  it("answers a bad frame with an error frame and keeps serving the room", async () => {
    const { room } = await scheduledRoom();
    const client = await socketFor(room, "mem_x00000000000000000000000");
    client.send({ type: "warp_drive" });
    client.socket.send("{not json");
    client.socket.send("x".repeat(10_000));
    for (let wait = 0; wait < 100 && client.frames.filter((frame) => frame.type === "error").length < 3; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.frames.filter((frame) => frame.type === "error").map((frame) => (frame.type === "error" ? frame.code : ""))).toEqual(["bad_frame", "bad_frame", "bad_frame"]);
    expect((await room.snapshot())!.state.status).toBe("scheduled");
  });

  it("answers a heartbeat with the member's attendance so far", async () => {
    const { room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const member = await socketFor(room, "mem_y00000000000000000000000");
    member.send({ type: "heartbeat", lastSeq: 0 });
    for (let wait = 0; wait < 100 && !member.frames.some((frame) => frame.type === "attendance"); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(member.frames.find((frame) => frame.type === "attendance")).toMatchObject({ thresholdMs: 15 * 60_000, paid: false });
  });

  it("takes a promoted member's TRTC entry as an anchor (Role 20) as taking the stage", async () => {
    const { amaId, room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const member = await socketFor(room, "mem_z00000000000000000000000", 2);
    member.send({ type: "raise_hand" });
    for (let wait = 0; wait < 100 && (await room.snapshot())!.state.queue.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    host.send({ type: "promote", memberId: "mem_z00000000000000000000000" });
    for (let wait = 0; wait < 100 && (await room.snapshot())!.state.promoted.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    await room.trtcEvent({ eventType: 103, roomId: amaId, userId: "mem_z00000000000000000000000", atMs: Date.now(), reason: null, role: 20 });
    expect((await room.snapshot())!.state.speakers.map((speaker) => speaker.memberId)).toEqual(["mem_z00000000000000000000000"]);
  });

  it("closes a socket that fell far behind and went silent, and never waits on it; a busy but acknowledging page stays", { timeout: 30_000 }, async () => {
    const { room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const silent = await socketFor(room, "mem_s00000000000000000000000");
    const busy = await socketFor(room, "mem_b10000000000000000000000");
    let silentClosedWith: number | null = null;
    let busyClosed = false;
    silent.socket.addEventListener("close", (event) => (silentClosedWith = event.code));
    busy.socket.addEventListener("close", () => (busyClosed = true));
    // The silent page's last acknowledgement was a minute ago (its phone slept).
    await runInDurableObject(room, (_instance, state) => {
      for (const socket of state.getWebSockets("mem_s00000000000000000000000")) socket.serializeAttachment({ ...socket.deserializeAttachment(), ackedAtMs: Date.now() - 60_000 });
    });
    const raiser = await socketFor(room, "mem_r00000000000000000000000");
    for (let round = 0; round < 260; round++) {
      raiser.send({ type: "raise_hand" });
      raiser.send({ type: "lower_hand" });
    }
    for (let wait = 0; wait < 200 && silentClosedWith === null; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(silentClosedWith).toBe(4008);
    expect(busyClosed).toBe(false);
    expect(busy.frames.filter((frame) => frame.type === "events").length).toBeGreaterThan(0);
  });

  it("keeps a member's raised hand through a reconnect (a deploy), and lets them go once the grace runs out", async () => {
    const { room } = await scheduledRoom();
    const host = await socketFor(room, "mem_host");
    host.send({ type: "start" });
    const memberId = "mem_g00000000000000000000000";
    const first = await socketFor(room, memberId, 1);
    first.send({ type: "raise_hand" });
    for (let wait = 0; wait < 100 && (await room.snapshot())!.state.queue.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    first.socket.close(1001, "deploy");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await room.snapshot())!.state.queue.map((entry) => entry.memberId)).toEqual([memberId]);
    // Back within the grace: still in the queue, and no pending leave is left behind.
    await socketFor(room, memberId, 1);
    expect(await runInDurableObject(room, (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM pending_leaves").one().n)).toBe(0);
    expect((await room.snapshot())!.state.queue.map((entry) => entry.memberId)).toEqual([memberId]);
    // Gone for good: once the grace has run out, the alarm lets them leave, and their hand with them.
    await runInDurableObject(room, (_instance, state) => {
      for (const socket of state.getWebSockets(memberId)) socket.close(1000, "left");
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runInDurableObject(room, (_instance, state) => state.storage.sql.exec("UPDATE pending_leaves SET leave_at_ms = 0"));
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await room.snapshot())!.state.queue).toEqual([]);
  });
});
