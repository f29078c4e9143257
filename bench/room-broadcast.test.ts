import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { RoomEvent } from "../domain/rooms/frames";
import type { SocketMember } from "../durable-objects/room/room-frames";
import { communityMember } from "../test/community";
import { integerSetting, setting } from "../test/ledger-model-real";
import { median } from "./harness";

// The in-process broadcast figure of `npm run bench` (issue 21), run inside workerd by bench/run.ts
// (`BENCH_ONLY=rooms`): the CPU of one broadcast, the room's flush of one events frame, to N accepted
// hibernating sockets (the server ends of WebSocketPairs; their client ends are read in this isolate).
// A linear broadcast costs 100× at 100× the sockets; the target allows 10% more.
//
// Each timed broadcast starts as one does in a live room, where batches go out at least 50 ms apart:
// - the previous frame has reached every socket, so each send starts the socket's idle send pump (a
//   send behind a frame still in flight only joins its queue, about a quarter of the work);
// - the CPU caches hold none of the room's state: a sweep through a buffer larger than the last-level
//   cache comes first, untimed, standing for the other rooms and requests a busy server runs between
//   two batches. Without it a 100-socket room is timed with its state still in L2 from its last
//   delivery, which 10,000 sockets' state (several times L2) never is. That warm figure is reported too.
// The sizes take turns within each run, and the ratio is the median of the runs' ratios.

const socketCounts = (setting("BENCH_ROOM_BROADCAST_SOCKETS") ?? "100,10000").split(",").map(Number);
const runs = integerSetting("BENCH_ROOM_BROADCAST_RUNS") ?? 9;
const sweepBytes = (integerSetting("BENCH_ROOM_CACHE_SWEEP_MB") ?? 64) * 1024 * 1024;
// Each run times about this many sends per size (many broadcasts at 100 sockets, two at 10,000), so the
// 1 ms clock's steps average out and the same work is timed at every size.
const sendsPerRun = 20_000;
const waitMaxMs = 60_000;

/** The room's batch, its flush and the flush's slices (its live layer), reached here to time exactly the broadcast. */
type BroadcastInternals = {
  pending: { fromSeq: number; toSeq: number; events: RoomEvent[] } | null;
  flush(): Promise<void>;
  sendSlice(sockets: readonly WebSocket[], texts: readonly string[], toSeq: number): void;
};
type BenchRoom = { sockets: number; stub: DurableObjectStub<import("../durable-objects/room/room").Room>; received: number; expected: number };
type Timing = { broadcastMs: number; deliveredMs: number };
type SizeResult = { sockets: number; broadcastsPerRun: number; coldMs: number; warmMs: number; deliveredMs: number; coldRunsMs: number[]; warmRunsMs: number[] };

const sweep = new Uint8Array(sweepBytes);
let sweepSum = 0;
/** Touches one byte per cache line of a buffer larger than the last-level cache: afterwards no cache holds the room's state. */
function sweepCaches(): void {
  for (let index = 0; index < sweep.length; index += 64) sweep[index] = (sweep[index] + 1) & 0xff;
  sweepSum += sweep[0];
}

const event: RoomEvent = { type: "hand_raised", memberId: `mem_${"9".repeat(24)}`, tierRank: 2, atMs: Date.now() };

async function openRoom(sockets: number, program: Awaited<ReturnType<typeof communityMember>>["context"]): Promise<BenchRoom> {
  const amaId = `ama_bench_broadcast_${sockets}_${crypto.randomUUID().slice(0, 8)}`;
  const stub = env.ROOM.getByName(amaId);
  await stub.schedule({ amaId, program, hostMemberId: "mem_host", startsAtMs: Date.now(), plannedMs: 3_600_000, speakerCap: 8 });
  const room: BenchRoom = { sockets, stub, received: 0, expected: 0 };
  await runInDurableObject(stub, (_instance, state) => {
    for (let index = 0; index < sockets; index++) {
      const [client, server] = Object.values(new WebSocketPair());
      const memberId = `mem_${String(index).padStart(24, "0")}`;
      state.acceptWebSocket(server, [memberId]);
      server.serializeAttachment({ memberId, tierRank: index % 4, ackSeq: 0 } satisfies SocketMember);
      client.accept();
      client.addEventListener("message", () => {
        room.received++;
      });
    }
  });
  return room;
}

/** Times `count` broadcasts, each after the last one reached every socket (and after a cache sweep when `cold`); answers the mean per broadcast. */
function timeBroadcasts(room: BenchRoom, count: number, cold: boolean): Promise<Timing> {
  return runInDurableObject(room.stub, async (instance) => {
    const internals: BroadcastInternals = instance.live;
    // A broadcast's CPU is its synchronous parts: from the flush's start to the end of its first slice, then
    // each further slice. Between slices the event loop runs whatever else is due (here the client ends' reads).
    let broadcastMs = 0;
    let partStarted = 0;
    const sendSlice = internals.sendSlice;
    internals.sendSlice = (...slice) => {
      partStarted ||= performance.now();
      sendSlice.apply(internals, slice);
      broadcastMs += performance.now() - partStarted;
      partStarted = 0;
    };
    const delivered = async () => {
      const started = Date.now();
      while (room.received < room.expected) {
        if (Date.now() - started > waitMaxMs) throw new Error(`${room.sockets} sockets: ${room.received} of ${room.expected} frames arrived within ${waitMaxMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    };
    let deliveredMs = 0;
    for (let index = 0; index < count; index++) {
      await delivered();
      if (cold) sweepCaches();
      const started = performance.now();
      partStarted = started;
      internals.pending = { fromSeq: 1, toSeq: 1, events: [event] };
      await internals.flush();
      room.expected += room.sockets;
      await delivered();
      deliveredMs += performance.now() - started;
    }
    internals.sendSlice = sendSlice;
    return { broadcastMs: broadcastMs / count, deliveredMs: deliveredMs / count };
  });
}

it("broadcasts one change in time linear in the sockets", { timeout: 900_000 }, async () => {
  const { context } = await communityMember("UTC");
  const rooms: BenchRoom[] = [];
  for (const sockets of socketCounts) rooms.push(await openRoom(sockets, context));
  const perRun = rooms.map((room) => Math.max(1, Math.round(sendsPerRun / room.sockets)));
  const cold: Timing[][] = rooms.map(() => []);
  const warm: Timing[][] = rooms.map(() => []);
  // One untimed run first: the first broadcasts compile and allocate what later ones reuse.
  for (let run = -1; run < runs; run++) {
    for (const [index, room] of rooms.entries()) {
      const coldTiming = await timeBroadcasts(room, perRun[index], true);
      const warmTiming = await timeBroadcasts(room, perRun[index], false);
      if (run >= 0) {
        cold[index].push(coldTiming);
        warm[index].push(warmTiming);
      }
    }
  }
  const sizes: SizeResult[] = rooms.map((room, index) => ({
    sockets: room.sockets,
    broadcastsPerRun: perRun[index],
    coldMs: median(cold[index].map((timing) => timing.broadcastMs)),
    warmMs: median(warm[index].map((timing) => timing.broadcastMs)),
    deliveredMs: median(cold[index].map((timing) => timing.deliveredMs)),
    coldRunsMs: cold[index].map((timing) => timing.broadcastMs),
    warmRunsMs: warm[index].map((timing) => timing.broadcastMs),
  }));
  const last = rooms.length - 1;
  const ratioOf = (timings: Timing[][]) => median(timings[last].map((timing, run) => timing.broadcastMs / timings[0][run].broadcastMs));
  const ratioMax = (rooms[last].sockets / rooms[0].sockets) * 1.1;
  const ratio = ratioOf(cold);
  const warmRatio = ratioOf(warm);
  const deliveredRatio = median(cold[last].map((timing, run) => timing.deliveredMs / cold[0][run].deliveredMs));
  console.log(`ROOM_BROADCAST_RESULT ${JSON.stringify({ sizes, runs, sweepMb: sweepBytes / 1024 / 1024, ratio, warmRatio, deliveredRatio, ratioMax, sweepSum })}`);
  for (const room of rooms) await runInDurableObject(room.stub, (_instance, state) => expect(state.getWebSockets()).toHaveLength(room.sockets));
  expect(ratio).toBeLessThanOrEqual(ratioMax);
});
