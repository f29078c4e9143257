import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../domain/rooms/frames";
import { scheduledRoom } from "../../test/rooms";
import type { SocketMember } from "../room/room-frames";
import { broadcastSliceSockets } from "./live-broadcaster";

// The live layer through a real Room actor: a broadcast bigger than one slice, with a change landing between its slices.

describe("a broadcast in slices", () => {
  it("reaches every socket, and a change that lands meanwhile follows it in sequence order", { timeout: 30_000 }, async () => {
    const { room } = await scheduledRoom();
    const socketCount = broadcastSliceSockets * 2 + 100;
    const seen: number[][] = [];
    const outcome = await runInDurableObject(room, async (instance, state) => {
      for (let index = 0; index < socketCount; index++) {
        const [client, server] = Object.values(new WebSocketPair());
        const memberId = `mem_${String(index).padStart(24, "0")}`;
        state.acceptWebSocket(server, [memberId]);
        server.serializeAttachment({ memberId, tierRank: index % 4, ackSeq: 0, ackedAtMs: Date.now() } satisfies SocketMember);
        client.accept();
        const seqs: number[] = [];
        seen.push(seqs);
        client.addEventListener("message", (message) => {
          const frame = JSON.parse(String(message.data)) as ServerFrame;
          if (frame.type === "events") for (let seq = frame.fromSeq; seq <= frame.toSeq; seq++) seqs.push(seq);
        });
      }
      const live = instance.live;
      const sendSlice = live.sendSlice;
      let slices = 0;
      let handRaised: ReturnType<typeof instance.command> | undefined;
      let broadcastingWhenRaised = 0;
      live.sendSlice = (...slice) => {
        sendSlice.apply(live, slice);
        slices++;
        // A member raises a hand while the start is still going out, and the batch timer fires: the hand waits for the start.
        if (slices === 1) {
          handRaised = instance.command({ type: "raiseHand", by: "mem_000000000000000000000001", tierRank: 1 });
          void live.flush();
          broadcastingWhenRaised = live.pending?.toSeq ?? 0;
        }
      };
      await instance.command({ type: "arrive", by: "mem_000000000000000000000001" });
      const started = await instance.command({ type: "start", by: "mem_host" });
      await live.flush();
      const raised = await handRaised!;
      live.sendSlice = sendSlice;
      return { slices, started, raised, broadcastingWhenRaised };
    });
    expect(outcome.slices).toBe(3);
    expect(outcome.started.ok && outcome.raised.ok).toBe(true);
    const lastSeq = outcome.raised.ok ? outcome.raised.seq : 0;
    // The hand was logged mid-broadcast and waited for the next batch.
    expect(outcome.broadcastingWhenRaised).toBe(lastSeq);
    for (let wait = 0; wait < 200 && !seen.every((seqs) => seqs.at(-1) === lastSeq); wait++) await new Promise((resolve) => setTimeout(resolve, 25));
    const everyChange = Array.from({ length: lastSeq }, (_, index) => index + 1);
    for (const seqs of seen) expect(seqs).toEqual(everyChange);
  });

  it("closes a socket far behind and silent, skips one closed mid-broadcast, and still reaches every other socket", { timeout: 30_000 }, async () => {
    const { room } = await scheduledRoom();
    const socketCount = broadcastSliceSockets * 2 + 100;
    const outcome = await runInDurableObject(room, async (instance, state) => {
      const received = new Array<number>(socketCount).fill(0);
      const closeCodes = new Map<number, number>();
      for (let index = 0; index < socketCount; index++) {
        const [client, server] = Object.values(new WebSocketPair());
        const memberId = `mem_${String(index).padStart(24, "0")}`;
        state.acceptWebSocket(server, [memberId]);
        server.serializeAttachment({ memberId, tierRank: 0, ackSeq: 0, ackedAtMs: Date.now() } satisfies SocketMember);
        client.accept();
        client.addEventListener("message", () => {
          received[index]++;
        });
        client.addEventListener("close", (event) => {
          closeCodes.set(index, event.code);
        });
      }
      const live = instance.live;
      const sendSlice = live.sendSlice;
      const behind: number[] = [];
      live.sendSlice = (...slice) => {
        sendSlice.apply(live, slice);
        if (behind.length > 0) return;
        // After the first slice, two sockets still to come turn out far behind and silent for long, and the
        // room closes one of them itself, as a host's removal does.
        const later = state.getWebSockets().filter((socket) => !slice[0].includes(socket));
        for (const socket of later.slice(0, 2)) {
          const member = socket.deserializeAttachment() as SocketMember;
          socket.serializeAttachment({ ...member, ackedAtMs: 0 });
          behind.push(Number(member.memberId.slice(4)));
        }
        later[0].close(4003, "removed by the host");
      };
      live.pending = { fromSeq: 1_000, toSeq: 1_000, events: [{ type: "room_started", atMs: Date.now() }] };
      await live.flush();
      live.sendSlice = sendSlice;
      for (let wait = 0; wait < 200 && received.filter((count) => count === 1).length < socketCount - 2; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
      for (let wait = 0; wait < 200 && closeCodes.size < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 25));
      return { behind, received, closeCodes: Object.fromEntries(closeCodes) };
    });
    const [removed, lagging] = outcome.behind;
    expect(outcome.closeCodes).toEqual({ [removed]: 4003, [lagging]: 4008 });
    expect(outcome.received.filter((count, index) => count === 1 && !outcome.behind.includes(index))).toHaveLength(socketCount - 2);
    expect(outcome.behind.map((index) => outcome.received[index])).toEqual([0, 0]);
  });
});
