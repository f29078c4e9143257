import { mkdirSync, writeFileSync } from "node:fs";
import { actionFigures, actionOptions } from "./action-figures";
import { botFarm, printBotFarm } from "./bot-farm";
import { chatIngestion, chatMembersOption } from "./chat-ingestion";
import { eventRegistrationFigures } from "./event-registration";
import { type BenchClient, benchClient } from "./client";
import { flashDrop, flashDropOptions, printFlashDrop } from "./flash-drop";
import { startWorker } from "./harness";
import { purchaseFigures } from "./purchase-figures";
import { fanOutOptions } from "./room-fan-out";
import { roomFigures, trtcRoomsOption } from "./room-figures";
import { signInFigures, signInOptions } from "./sign-in-figures";
import { printSettlementThroughput, settlementThroughput } from "./settlement-throughput";
import { printTokenGas, tokenGas } from "./token-gas";

/**
 * `npm run bench`: figures as ratios to a baseline measured in the same run on the same worker
 * (machines are noisy; absolute numbers are printed for context only). Within a round the baseline
 * and the figure alternate in slices so drift hits both alike; the median of the rounds is reported.
 * `BENCH_ONLY=purchase`, `BENCH_ONLY=action`, `BENCH_ONLY=signin`, `BENCH_ONLY=flash`, `BENCH_ONLY=farm`, `BENCH_ONLY=rooms`, `BENCH_ONLY=chat`, `BENCH_ONLY=events`, `BENCH_ONLY=token` or `BENCH_ONLY=settlement` runs one group of figures.
 */
const groups = ["purchase", "action", "signin", "flash", "farm", "rooms", "chat", "events", "token", "settlement"] as const;
const only = process.env.BENCH_ONLY;
if (only !== undefined && !(groups as readonly string[]).includes(only)) throw new Error(`BENCH_ONLY must be one of ${groups.join(", ")}, got ${only}`);
const runs = (group: (typeof groups)[number]) => only === undefined || only === group;

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
// Work a figure leaves behind (Queue consumer, D1 projections) must not be billed to the next one.
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 3000);
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, settleMs));
// Checked before the worker starts, so a bad knob costs nothing.
const flashOptions = runs("flash") ? flashDropOptions(concurrency, settle) : undefined;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const requestsPerRound = Number(process.env.BENCH_REQUESTS ?? 400);
const actionKnobs = runs("action") ? actionOptions({ rounds, requestsPerRound, slicesPerRound: 4, concurrency, settle }) : undefined;
const signInKnobs = runs("signin") ? signInOptions({ rounds, requestsPerRound, slicesPerRound: 4, concurrency, settle }) : undefined;
const chatKnobs = runs("chat") ? { rounds, requestsPerRound, slicesPerRound: 4, concurrency, settle, members: chatMembersOption(concurrency) } : undefined;
const roomKnobs = runs("rooms") ? { rounds, requestsPerRound, slicesPerRound: 4, concurrency, settle, fanOut: fanOutOptions(concurrency), trtcRooms: trtcRoomsOption() } : undefined;

/**
 * Each group of figures runs on a fresh worker: actors a group creates (thousands, for enrollment and
 * the flash drop) slow every later actor call in local workerd, so no group pays for another's.
 */
async function onFreshWorker<T>(figures: (client: BenchClient) => Promise<T>): Promise<T> {
  const worker = await startWorker();
  try {
    return await figures(await benchClient(worker.url));
  } finally {
    worker.stop();
  }
}

const result: Record<string, unknown> = {};
let failures = 0;
if (runs("purchase")) {
  const purchases = await onFreshWorker((client) =>
    purchaseFigures(client, {
      rounds,
      requestsPerRound,
      slicesPerRound: 4,
      concurrency,
      memberCount: Number(process.env.BENCH_MEMBERS ?? 1000),
      regularCount: Number(process.env.BENCH_REGULARS ?? 100),
      settle,
    }),
  );
  Object.assign(result, purchases.result);
  failures += purchases.failures;
}
if (actionKnobs) {
  const actions = await onFreshWorker((client) => actionFigures(client, actionKnobs));
  result.action = actions.result;
  failures += actions.failures;
}
if (signInKnobs) {
  const signIn = await onFreshWorker((client) => signInFigures(client, signInKnobs));
  result.signIn = signIn.result;
  failures += signIn.failures;
}
let flashFailed = false;
if (flashOptions) {
  const flash = await onFreshWorker((client) => flashDrop(client, flashOptions));
  printFlashDrop(flash);
  result.flashDrop = flash;
  flashFailed = !flash.meetsTarget;
}
let farmFailed = false;
if (runs("farm")) {
  // Not on a wrangler dev: the farm's 30 days need the members' clocks (see bench/bot-farm.ts).
  const farm = await botFarm();
  printBotFarm(farm);
  result.botFarm = farm;
  farmFailed = !farm.meetsTarget;
}
let roomTargetsMissed: string[] = [];
if (roomKnobs) {
  // Its own worker (APP_ORIGIN and the TRTC callback key are set for it), then the in-process figures.
  const rooms = await roomFigures(roomKnobs);
  result.rooms = rooms.result;
  failures += rooms.failures;
  roomTargetsMissed = rooms.missedTargets;
}
let chatMissed = false;
if (chatKnobs) {
  // Its own worker (the bench's CHAT_CALLBACK_TOKEN), like the rooms group's.
  const chat = await chatIngestion(chatKnobs);
  result.chatIngestion = chat.entry;
  failures += chat.entry.failures;
  chatMissed = !chat.entry.meetsTarget;
}
let eventsInexact = false;
if (runs("events")) {
  // 500 registrations at once for one event of 100 seats, on its own worker.
  const events = await eventRegistrationFigures({ concurrency });
  result.eventRegistrationBurst = events.result;
  failures += events.failures;
  eventsInexact = !events.exact;
}
let tokenMissed = false;
if (runs("token")) {
  // On a private hardhat node, not a worker: gas is read from receipts.
  const token = await tokenGas();
  printTokenGas(token);
  result.tokenGas = token;
  tokenMissed = !token.meetsTargets;
}
if (runs("settlement")) {
  // Its own workerd project and hardhat node: members cut payouts over HTTP and the settler settles them.
  const throughput = await settlementThroughput();
  printSettlementThroughput(throughput);
  result.settlementThroughput = throughput;
}

mkdirSync("bench/results", { recursive: true });
// A partial run keeps its own file, so it never overwrites the last full run's figures.
writeFileSync(`bench/results/${only === undefined ? "latest" : `latest-${only}`}.json`, JSON.stringify(result, null, 2));
if (failures > 0) console.error(`${failures} requests failed`);
if (flashFailed) console.error("flash drop: the answers were not exactly the reward's units issued and the rest out_of_stock (see above)");
if (farmFailed) console.error("bot farm: the farm earned more than 1% of an honest member per account-hour (see above)");
if (eventsInexact) console.error("events: the burst did not seat exactly the capacity and waitlist the rest (see above)");
if (roomTargetsMissed.length > 0) console.error(`rooms: missed the target of ${roomTargetsMissed.join(", ")} (see above)`);
if (chatMissed) console.error("chat: callback ingestion missed its target (see above)");
if (tokenMissed) console.error("token: a gas target was missed (see above)");
process.exit(failures > 0 || flashFailed || farmFailed || roomTargetsMissed.length > 0 || chatMissed || eventsInexact || tokenMissed ? 1 : 0);
