import { spawn } from "node:child_process";

export type BroadcastSize = { sockets: number; flushesPerRun: number; flushMs: number; deliveredMs: number; flushRunsMs: number[] };
export type BroadcastResult = { sizes: BroadcastSize[]; runs: number; ratio: number; deliveredRatio: number; ratioMax: number };
export type HandsResult = { sockets: number; rounds: number; changes: number; perSecond: number; medianRoundPerSecond: number; roundsPerSecond: number[]; errors: number; target: number };

const markers = { broadcast: "ROOM_BROADCAST_RESULT ", hands: "ROOM_HANDS_RESULT " } as const;

/**
 * The in-process room figures (issue 21): bench/room-broadcast.test.ts and bench/room-hands.test.ts
 * inside workerd (the `bench-rooms` vitest project, which exists only with BENCH_ROOMS=1), where the
 * room's flush can be timed on its own and one actor's throughput has no HTTP in front of it.
 * Their output is read for one result line each; a test that missed its target still prints it.
 */
export function roomsInProcess(): Promise<{ broadcast: BroadcastResult; hands: HandsResult; vitestPassed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn("vitest", ["run", "--project", "bench-rooms", "--reporter", "dot"], { env: { ...process.env, BENCH_ROOMS: "1" }, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const read = (marker: string) => {
        const line = output.split("\n").find((candidate) => candidate.includes(marker));
        return line === undefined ? undefined : JSON.parse(line.slice(line.indexOf(marker) + marker.length));
      };
      const broadcast = read(markers.broadcast) as BroadcastResult | undefined;
      const hands = read(markers.hands) as HandsResult | undefined;
      if (!broadcast || !hands) return reject(new Error(`the in-process room figures printed no result (vitest exit ${code}):\n${output.slice(-4000)}`));
      resolve({ broadcast, hands, vitestPassed: code === 0 });
    });
  });
}
