import { benchClient } from "./client";
import { type RoundOptions, startWorker } from "./harness";
import { type FanOutOptions, roomFanOut } from "./room-fan-out";
import { roomsInProcess } from "./room-in-process";
import { trtcIngestion } from "./trtc-ingestion";

// The bench owns the keys its worker checks: a callback signed with this key must be accepted, whatever .dev.vars holds.
const callbackKey = "benchTrtcCallbackKey";
const sdkAppId = "1400000000";

export type RoomFigureOptions = RoundOptions & { fanOut: Omit<FanOutOptions, "appOrigin">; trtcRooms: number };

/** The rooms group's knobs, checked before the worker starts so a bad value costs nothing. */
export function trtcRoomsOption(): number {
  const rooms = Number(process.env.BENCH_ROOM_TRTC_ROOMS ?? 100);
  if (!Number.isInteger(rooms) || rooms < 1) throw new Error(`BENCH_ROOM_TRTC_ROOMS must be an integer ≥ 1, got ${process.env.BENCH_ROOM_TRTC_ROOMS}`);
  return rooms;
}

/**
 * The rooms group (issue 21). Through a private `wrangler dev` whose APP_ORIGIN is its own address (the
 * sockets send it as their Origin) and whose TRTC callback key is the bench's: TRTC callback ingestion,
 * then fan-out of one change to 100 and 1,000 sockets. Then, inside workerd, one broadcast's CPU at
 * 100 to 10,000 sockets and one room's hand raise/lower throughput.
 */
export async function roomFigures(options: RoomFigureOptions) {
  const worker = await startWorker((url) => ({ APP_ORIGIN: url, TRTC_CALLBACK_KEY: callbackKey, TRTC_SDK_APP_ID: sdkAppId }));
  let trtc: Awaited<ReturnType<typeof trtcIngestion>>;
  let fanOut: Awaited<ReturnType<typeof roomFanOut>>;
  try {
    const client = await benchClient(worker.url);
    // Callbacks first: the fan-out's 1,000 members and their actors would slow every later figure on this worker.
    trtc = await trtcIngestion(client, { ...options, rooms: options.trtcRooms, callbackKey, sdkAppId });
    await options.settle();
    fanOut = await roomFanOut(client, { ...options.fanOut, appOrigin: worker.url });
  } finally {
    worker.stop();
  }
  console.log("bench: in-process room figures (inside workerd, the bench-rooms vitest project)…");
  const inProcess = await roomsInProcess();
  const { broadcast, hands } = inProcess;
  const [small, large] = [broadcast.sizes[0], broadcast.sizes[broadcast.sizes.length - 1]];
  const broadcastMeets = broadcast.ratio <= broadcast.ratioMax;
  const handsMeet = hands.errors === 0 && hands.perSecond >= hands.target;
  const mark = (meets: boolean) => (meets ? "" : "  ✗ MISSES THE TARGET");

  console.log("\nfigure                                   value   target   (context)");
  console.log(`${trtc.name.padEnd(40)} ${trtc.entry.ratio.toFixed(2)}    ≥ ${trtc.entry.target.toFixed(2)}   ${trtc.entry.perSecond.toFixed(0)} vs ${trtc.entry.noopPerSecond.toFixed(0)} req/s, p50 ${trtc.entry.p50Ms.toFixed(1)} ms, p99 ${trtc.entry.p99Ms.toFixed(1)} ms, failures ${trtc.entry.failures}${mark(trtc.entry.meetsTarget)}`);
  if (trtc.entry.firstFailure) console.log(`  first failed answer: ${trtc.entry.firstFailure}`);
  for (const size of fanOut.sizes) {
    console.log(`${`fan-out to ${size.sockets} sockets, last socket`.padEnd(40)} p50 ${size.lastP50Ms.toFixed(0)} ms, p99 ${size.lastP99Ms.toFixed(0)} ms   (each socket: p50 ${size.socketP50Ms.toFixed(0)}, p99 ${size.socketP99Ms.toFixed(0)} ms; includes the 50 ms batch; missed ${size.missed})`);
  }
  const perSocket = (ms: number, sockets: number) => `${ms.toFixed(2)} ms (${((ms * 1000) / sockets).toFixed(1)} µs/socket)`;
  const cold = broadcast.sizes.map((size) => `${size.sockets}: ${perSocket(size.coldMs, size.sockets)}`).join(", ");
  const warm = broadcast.sizes.map((size) => `${size.sockets}: ${perSocket(size.warmMs, size.sockets)}`).join(", ");
  console.log(`${`broadcast CPU ${large.sockets} ÷ ${small.sockets} sockets`.padEnd(40)} ${broadcast.ratio.toFixed(0)}     ≤ ${broadcast.ratioMax.toFixed(0)}    caches swept (${broadcast.sweepMb} MB) before each: ${cold}${mark(broadcastMeets)}`);
  console.log(`${"  the same, caches warm".padEnd(40)} ${broadcast.warmRatio.toFixed(0)}             ${warm}; until every socket end read it ${broadcast.deliveredRatio.toFixed(0)}×`);
  console.log(`${"hand raise/lower, one room".padEnd(40)} ${hands.perSecond.toFixed(0)}/s  ≥ ${hands.target}   room_events appended per second, ${hands.sockets} sockets, ${hands.changes} changes, rounds ${Math.min(...hands.roundsPerSecond).toFixed(0)}–${Math.max(...hands.roundsPerSecond).toFixed(0)}/s, error frames ${hands.errors}${mark(handsMeet)}`);

  return {
    result: { trtcIngestion: trtc.entry, fanOut: fanOut.sizes, broadcast: { ...broadcast, meetsTarget: broadcastMeets }, handRaiseLower: { ...hands, meetsTarget: handsMeet } },
    failures: trtc.entry.failures + fanOut.failures,
    missedTargets: [!trtc.entry.meetsTarget && "TRTC ingestion", !broadcastMeets && "broadcast CPU ratio", !handsMeet && "hand raise/lower throughput"].filter((name): name is string => typeof name === "string"),
  };
}
