import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventServerFrame } from "../../domain/events/frames";
import { communityMember } from "../../test/community";

async function createdEvent(capacity = 1) {
  const { context } = await communityMember("UTC");
  const eventId = `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const event = env.EVENT.getByName(eventId);
  const nowMs = Date.now();
  await event.create({ eventId, program: context, hostMemberId: "mem_host", startsAtMs: nowMs, endsAtMs: nowMs + 3_600_000, capacity, overflowSeats: 0, overflowTierRank: 3, minTierRank: 0, hasAudio: false });
  return { eventId, event };
}

/** A socket straight to the actor (the Worker's session and registration checks have their own tests). */
async function socketFor(event: DurableObjectStub<import("./event").Event>, memberId: string, lastSeq?: number) {
  const response = await event.fetch(`https://event/${lastSeq === undefined ? "" : `?lastSeq=${lastSeq}`}`, { headers: { Upgrade: "websocket", "X-Member-Id": memberId, "X-Tier-Rank": "0" } });
  const socket = response.webSocket!;
  socket.accept();
  const frames: EventServerFrame[] = [];
  socket.addEventListener("message", (message) => {
    frames.push(JSON.parse(String(message.data)) as EventServerFrame);
  });
  const until = async (check: () => boolean) => {
    for (let wait = 0; wait < 100 && !check(); wait++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(check()).toBe(true);
  };
  return { socket, frames, until, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

describe("the Event actor", () => {
  it("rebuilds its seats, waitlist, questions and polls from storage after a restart, and tells the promoted member", async () => {
    const { eventId, event } = await createdEvent(1);
    await event.register("mem_a", 0);
    await event.register("mem_b", 0);
    await event.register("mem_c", 2);
    const before = await event.summary("mem_b");
    await expect(runInDurableObject(event, (_instance, state) => state.abort("restarted by the test"))).rejects.toThrow();
    const restarted = env.EVENT.getByName(eventId);
    const after = await restarted.summary("mem_b");
    expect(after).toEqual(before);
    expect(after!.mine!.registration).toEqual({ status: "waitlisted", position: 2 });
    // A cancellation after the restart promotes the head of the rebuilt waitlist (GOLD first).
    expect(await restarted.cancel("mem_a")).toMatchObject({ ok: true, counts: { registered: 1, waitlisted: 1 } });
    const promoted = await restarted.summary("mem_c");
    expect(promoted!.mine!.registration).toEqual({ status: "registered", seat: "regular" });
    expect(promoted!.mine!.notices).toEqual([expect.objectContaining({ kind: "promoted", seat: "regular" })]);
    expect((await restarted.summary("mem_b"))!.mine!.registration).toEqual({ status: "waitlisted", position: 1 });
  });

  it("resumes a reconnecting socket with exactly the changes it missed", async () => {
    const { event } = await createdEvent(10);
    const host = await socketFor(event, "mem_host");
    await host.until(() => host.frames.some((frame) => frame.type === "snapshot"));
    const seenSeq = (host.frames.find((frame) => frame.type === "snapshot") as Extract<EventServerFrame, { type: "snapshot" }>).seq;
    host.socket.close(1000, "away");
    await event.register("mem_a", 0);
    await event.register("mem_b", 0);
    const back = await socketFor(event, "mem_host", seenSeq);
    await back.until(() => back.frames.some((frame) => frame.type === "events"));
    const missed = back.frames.filter((frame) => frame.type === "events");
    expect(missed).toEqual([{ type: "events", fromSeq: seenSeq + 1, toSeq: seenSeq + 2, events: [expect.objectContaining({ type: "counts" }), expect.objectContaining({ type: "counts", counts: expect.objectContaining({ registered: 2 }) })] }]);
    expect(back.frames.some((frame) => frame.type === "snapshot")).toBe(false);
  });

  it("bounds register/cancel churn: after three cancellations a member cannot register again", async () => {
    const { event } = await createdEvent(5);
    for (let round = 0; round < 3; round++) {
      expect((await event.register("mem_churn", 0)).ok).toBe(true);
      expect((await event.cancel("mem_churn")).ok).toBe(true);
    }
    expect(await event.register("mem_churn", 0)).toMatchObject({ ok: false, code: "registration_churn" });
  });
});
