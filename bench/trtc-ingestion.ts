import { createHmac } from "node:crypto";
import type { BenchClient } from "./client";
import { type RoundOptions, load, ratioRounds } from "./harness";

export type TrtcIngestionOptions = RoundOptions & {
  /** Rooms the callbacks are spread over, each woken by one callback before timing. */
  rooms: number;
  callbackKey: string;
  sdkAppId: string;
};

const target = 0.5;
const usersPerRoom = 50;

/**
 * TRTC callback ingestion: signed `POST /webhooks/trtc` enter (103) and exit (104) events, each with
 * its own EventMsTs (so each is recorded, none a duplicate), spread over `rooms` rooms, as a ratio to
 * the no-op in alternating slices. Bodies and signatures are made before timing; an answer other than
 * 200 `recorded` is a failure.
 */
export async function trtcIngestion(client: BenchClient, options: TrtcIngestionOptions) {
  const { rounds, requestsPerRound, slicesPerRound, concurrency, settle, rooms } = options;
  const perSlice = Math.ceil(requestsPerRound / slicesPerRound);
  const baseMs = Date.now();
  const signed = (n: number) => {
    const user = Math.floor(n / rooms);
    const body = JSON.stringify({
      EventGroupId: 1,
      EventType: (user / usersPerRoom) % 2 < 1 ? 103 : 104,
      CallbackTs: baseMs + n,
      EventInfo: { RoomId: `ama_bench_trtc_${n % rooms}`, EventTs: Math.floor((baseMs + n) / 1000), EventMsTs: baseMs + n, UserId: `mem_bench_${user % usersPerRoom}`, Role: 21, Reason: 1, TerminalType: 2, UserType: 3 },
    });
    return { body, sign: createHmac("sha256", options.callbackKey).update(body).digest("base64") };
  };
  const total = rooms + 100 + rounds * perSlice * slicesPerRound;
  const callbacks = Array.from({ length: total }, (_, n) => signed(n));
  let next = 0;
  let firstFailure: string | undefined;
  const post = async () => {
    const { body, sign } = callbacks[next++];
    const response = await fetch(`${client.url}/webhooks/trtc`, { method: "POST", headers: { "Content-Type": "application/json", Sign: sign, SdkAppId: options.sdkAppId }, body });
    const text = await response.text();
    const ok = response.status === 200 && text.includes('"recorded"');
    if (!ok) firstFailure ??= `${response.status} ${text.slice(0, 200)}`;
    return ok;
  };

  // Every room gets its first callback (the room object starts, its schema is applied) before timing.
  await load(rooms, concurrency, post);
  if (firstFailure) throw new Error(`TRTC ingestion: POST /webhooks/trtc answered ${firstFailure}`);
  await load(200, concurrency, client.noop);
  await load(100, concurrency, post);

  const name = "TRTC callback req/s ÷ no-op req/s";
  console.log(`bench: TRTC callbacks, ${rounds} rounds × ${perSlice * slicesPerRound} requests, ${concurrency} in flight, ${rooms} rooms`);
  const figure = await ratioRounds({ name, target, rounds, slicesPerRound, perSlice, concurrency, baseline: client.noop, measured: post, settle });
  return { name, entry: { ...figure, rooms, firstFailure } };
}
