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
});
