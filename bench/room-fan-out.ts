import type { BenchClient } from "./client";
import { load, median } from "./harness";
import { liveAma, roomMembers } from "./room-members";
import { type RoomSocket, openRoomSocket } from "./room-socket-client";

export type FanOutOptions = { socketCounts: number[]; rounds: number; concurrency: number; appOrigin: string };

/** The fan-out figure's knobs, checked before the worker starts so a bad value costs nothing. */
export function fanOutOptions(concurrency: number): Omit<FanOutOptions, "appOrigin"> {
  const socketCounts = (process.env.BENCH_ROOM_FAN_OUT_SOCKETS ?? "100,1000").split(",").map(Number);
  const rounds = Number(process.env.BENCH_ROOM_FAN_OUT_ROUNDS ?? 20);
  if (socketCounts.some((count) => !Number.isInteger(count) || count < 2) || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`BENCH_ROOM_FAN_OUT_SOCKETS must be integers ≥ 2 separated by commas and BENCH_ROOM_FAN_OUT_ROUNDS an integer ≥ 1, got ${process.env.BENCH_ROOM_FAN_OUT_SOCKETS} and ${process.env.BENCH_ROOM_FAN_OUT_ROUNDS}`);
  }
  return { socketCounts: [...socketCounts].sort((a, b) => a - b), rounds, concurrency };
}

const roundWaitMs = 15_000;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** One size's rounds: the time from sending a hand raise to its arrival at each socket. */
export type FanOutSize = {
  sockets: number;
  /** Over the rounds: the time until the last socket had the change. */
  lastP50Ms: number;
  lastP99Ms: number;
  /** Medians over the rounds of each round's p50 and p99 across its sockets. */
  socketP50Ms: number;
  socketP99Ms: number;
  lastMsPerRound: number[];
  missed: number;
};

/**
 * Fan-out through `wrangler dev`: one socket raises its hand and every socket in the room, the raiser
 * included, receives the change. Each round times send → arrival at each socket (performance.now() in
 * this process, so the figure includes the room's 50 ms batching, wrangler dev's proxy and this
 * process reading 1,000 sockets); the hand is lowered, untimed, between rounds.
 */
export async function roomFanOut(client: BenchClient, options: FanOutOptions): Promise<{ sizes: FanOutSize[]; failures: number }> {
  const largest = options.socketCounts[options.socketCounts.length - 1];
  console.log(`bench: signing in a host and ${largest} members of a community program for the fan-out figure (setup, not measured)…`);
  const { programId, host, listeners } = await roomMembers(client, largest, options.concurrency);
  const amaId = await liveAma(client, programId, host, options.appOrigin);

  const sockets: RoomSocket[] = [];
  // Each socket hands its events to whichever round is listening.
  let listening: ((socketIndex: number, type: string, memberId: string, atMs: number) => void) | null = null;
  const sizes: FanOutSize[] = [];
  let failures = 0;
  try {
    for (const count of options.socketCounts) {
      const first = sockets.length;
      await load(count - first, options.concurrency, async (index) => {
        const socket = await openRoomSocket(client.url, amaId, listeners[first + index], options.appOrigin);
        const socketIndex = first + index;
        sockets[socketIndex] = socket;
        socket.onEvent((event, atMs) => listening?.(socketIndex, event.type, "memberId" in event ? event.memberId : "", atMs));
        if ((socketIndex + 1) % 250 === 0) console.log(`  rooms setup: ${socketIndex + 1} of ${count} sockets open`);
        return true;
      });
      // Arrivals settle and every socket acknowledges them, so none is near the room's lag bound.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      for (const socket of sockets) socket.ack();
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const raiser = sockets[0];
      const change = async (type: "raise_hand" | "lower_hand", eventType: string) => {
        const arrivals: number[] = new Array(count).fill(Number.NaN);
        let arrived = 0;
        let done: () => void = () => undefined;
        const all = new Promise<void>((resolve) => (done = resolve));
        listening = (socketIndex, seenType, memberId, atMs) => {
          if (socketIndex >= count || seenType !== eventType || memberId !== raiser.member.id || !Number.isNaN(arrivals[socketIndex])) return;
          arrivals[socketIndex] = atMs;
          if (++arrived === count) done();
        };
        const sentAtMs = performance.now();
        raiser.send({ type });
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, roundWaitMs))]);
        listening = null;
        return { latencies: arrivals.filter((atMs) => !Number.isNaN(atMs)).map((atMs) => atMs - sentAtMs).sort((a, b) => a - b), missed: count - arrived };
      };

      const lastMsPerRound: number[] = [];
      const p50s: number[] = [];
      const p99s: number[] = [];
      let missed = 0;
      for (let round = 0; round < options.rounds; round++) {
        const raised = await change("raise_hand", "hand_raised");
        missed += raised.missed;
        if (raised.latencies.length > 0) {
          lastMsPerRound.push(raised.latencies[raised.latencies.length - 1]);
          p50s.push(quantile(raised.latencies, 0.5));
          p99s.push(quantile(raised.latencies, 0.99));
        }
        missed += (await change("lower_hand", "hand_lowered")).missed;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const closed = sockets.filter((socket) => socket.closedWith() !== null);
      if (missed > 0) console.log(`  fan-out to ${count}: ${missed} arrivals missing after ${roundWaitMs / 1000} s; ${closed.length} sockets closed (${closed[0]?.closedWith() ?? ""})`);
      failures += missed;
      const sorted = [...lastMsPerRound].sort((a, b) => a - b);
      const size = { sockets: count, lastP50Ms: quantile(sorted, 0.5), lastP99Ms: quantile(sorted, 0.99), socketP50Ms: median(p50s), socketP99Ms: median(p99s), lastMsPerRound, missed };
      console.log(`  fan-out to ${count} sockets: last socket p50 ${size.lastP50Ms.toFixed(1)} ms, p99 ${size.lastP99Ms.toFixed(1)} ms (per socket p50 ${size.socketP50Ms.toFixed(1)}, p99 ${size.socketP99Ms.toFixed(1)} ms; ${options.rounds} rounds)`);
      sizes.push(size);
    }
  } finally {
    for (const socket of sockets) socket?.close();
  }
  return { sizes, failures };
}
