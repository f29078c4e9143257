import { vitestResults } from "./vitest-result";

/** One room size: the median broadcast's CPU with cold caches (the target's) and warm, and until every socket end read it. */
export type BroadcastSize = { sockets: number; broadcastsPerRun: number; coldMs: number; warmMs: number; deliveredMs: number; coldRunsMs: number[]; warmRunsMs: number[] };
export type BroadcastResult = { sizes: BroadcastSize[]; runs: number; sweepMb: number; ratio: number; warmRatio: number; deliveredRatio: number; ratioMax: number };
export type HandsResult = { sockets: number; rounds: number; changes: number; perSecond: number; medianRoundPerSecond: number; roundsPerSecond: number[]; errors: number; target: number };

/**
 * The in-process room figures (issue 21): bench/room-broadcast.test.ts and bench/room-hands.test.ts
 * inside workerd (the `bench-rooms` vitest project, which exists only with BENCH_ROOMS=1), where the
 * room's flush can be timed on its own and one actor's throughput has no HTTP in front of it.
 */
export async function roomsInProcess(): Promise<{ broadcast: BroadcastResult; hands: HandsResult; vitestPassed: boolean }> {
  const { results, passed } = await vitestResults(["--project", "bench-rooms"], ["ROOM_BROADCAST_RESULT", "ROOM_HANDS_RESULT"], { BENCH_ROOMS: "1" });
  return { broadcast: results.ROOM_BROADCAST_RESULT as BroadcastResult, hands: results.ROOM_HANDS_RESULT as HandsResult, vitestPassed: passed };
}
