import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { RoomEvent } from "../domain/rooms/frames";
import type { SocketMember } from "../durable-objects/room/room-frames";
import { communityMember } from "../test/community";
import { integerSetting, setting } from "../test/ledger-model-real";
import { median } from "./harness";

// The in-process broadcast figure of `npm run bench` (issue 21), run inside workerd by bench/run.ts
// (`BENCH_ONLY=rooms`): the CPU of one broadcast, the room's flush of one events frame, to N
// accepted hibernating sockets (the server ends of WebSocketPairs, their client ends read in the same
// isolate). A linear broadcast costs 100× at 100× the sockets; the target allows 10% more.

const socketCounts = (setting("BENCH_ROOM_BROADCAST_SOCKETS") ?? "100,10000").split(",").map(Number);
const runs = integerSetting("BENCH_ROOM_BROADCAST_RUNS") ?? 9;
// Each timed run sends about this many frames in all (many flushes at 100 sockets, one or two at
// 10,000), so every run is long enough for the clock and the same work is timed at every size.
const sendsPerRun = 20_000;
const waitMaxMs = 60_000;

/** The room's batch and its flush (its live layer), reached here to time exactly the broadcast. */
type BroadcastInternals = { pending: { fromSeq: number; toSeq: number; events: RoomEvent[] } | null; flush(): void };

type SizeResult = { sockets: number; flushesPerRun: number; flushMs: number; deliveredMs: number; flushRunsMs: number[] };

async function broadcastAt(sockets: number, program: Awaited<ReturnType<typeof communityMember>>["context"]): Promise<SizeResult> {
  const amaId = `ama_bench_broadcast_${sockets}_${crypto.randomUUID().slice(0, 8)}`;
  const room = env.ROOM.getByName(amaId);
  await room.schedule({ amaId, program, hostMemberId: "mem_host", startsAtMs: Date.now(), plannedMs: 3_600_000, speakerCap: 8 });
  return runInDurableObject(room, async (instance, state) => {
    const internals: BroadcastInternals = instance.live;
    let received = 0;
    for (let index = 0; index < sockets; index++) {
      const [client, server] = Object.values(new WebSocketPair());
      const memberId = `mem_${String(index).padStart(24, "0")}`;
      state.acceptWebSocket(server, [memberId]);
      server.serializeAttachment({ memberId, tierRank: index % 4, ackSeq: 0 } satisfies SocketMember);
      client.accept();
      client.addEventListener("message", () => {
        received++;
      });
    }
    const event: RoomEvent = { type: "hand_raised", memberId: `mem_${"9".repeat(24)}`, tierRank: 2, atMs: Date.now() };
    const flushesPerRun = Math.max(1, Math.round(sendsPerRun / sockets));
    let expected = 0;
    const delivered = async () => {
      const started = Date.now();
      while (received < expected) {
        if (Date.now() - started > waitMaxMs) throw new Error(`${sockets} sockets: ${received} of ${expected} frames arrived within ${waitMaxMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    const flushRunsMs: number[] = [];
    const deliveredRunsMs: number[] = [];
    // One untimed run first: the first flush compiles and allocates what later ones reuse.
    for (let run = -1; run < runs; run++) {
      const t0 = performance.now();
      for (let flush = 0; flush < flushesPerRun; flush++) {
        internals.pending = { fromSeq: 1, toSeq: 1, events: [event] };
        internals.flush();
      }
      const flushed = performance.now();
      expected += sockets * flushesPerRun;
      await delivered();
      if (run >= 0) {
        flushRunsMs.push((flushed - t0) / flushesPerRun);
        deliveredRunsMs.push((performance.now() - t0) / flushesPerRun);
      }
    }
    expect(state.getWebSockets()).toHaveLength(sockets);
    return { sockets, flushesPerRun, flushMs: median(flushRunsMs), deliveredMs: median(deliveredRunsMs), flushRunsMs };
  });
}

it("broadcasts one change in time linear in the sockets", { timeout: 900_000 }, async () => {
  const { context } = await communityMember("UTC");
  const sizes: SizeResult[] = [];
  for (const sockets of socketCounts) sizes.push(await broadcastAt(sockets, context));
  const [smallest, largest] = [sizes[0], sizes[sizes.length - 1]];
  const ratioMax = (largest.sockets / smallest.sockets) * 1.1;
  const ratio = largest.flushMs / smallest.flushMs;
  console.log(`ROOM_BROADCAST_RESULT ${JSON.stringify({ sizes, runs, ratio, deliveredRatio: largest.deliveredMs / smallest.deliveredMs, ratioMax })}`);
  expect(ratio).toBeLessThanOrEqual(ratioMax);
});
