import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { ServerFrame } from "../domain/rooms/frames";
import type { Room } from "../durable-objects/room/room";
import { socketLagMax } from "../durable-objects/room/room";
import { communityMember } from "../test/community";
import { integerSetting } from "../test/ledger-model-real";
import { median } from "./harness";

// The in-process hand figure of `npm run bench` (issue 21), run inside workerd by bench/run.ts
// (`BENCH_ONLY=rooms`): one room actor's hand raise/lower throughput. Many sockets in one room each
// send raise_hand then lower_hand; the figure counts room_events appended per second, from the
// first frame sent to the append time (`at_ms`) of the round's last event in the room's own log.

const socketCount = integerSetting("BENCH_ROOM_HAND_SOCKETS") ?? 200;
const rounds = integerSetting("BENCH_ROOM_HAND_ROUNDS") ?? 10;
const targetPerSecond = 1_000;
const waitMaxMs = 60_000;

// A round appends two changes per socket; a socket more than `socketLagMax` changes behind its last
// acknowledgement is closed by the room, so sockets acknowledge between rounds (as pages heartbeat).
if (2 * socketCount >= socketLagMax) throw new Error(`BENCH_ROOM_HAND_SOCKETS must stay under ${socketLagMax / 2} (one round is 2 changes per socket), got ${socketCount}`);

async function socketFor(room: DurableObjectStub<Room>, memberId: string, tierRank: number) {
  const response = await room.fetch("https://room/", { headers: { Upgrade: "websocket", "X-Member-Id": memberId, "X-Tier-Rank": String(tierRank) } });
  const socket = response.webSocket!;
  socket.accept();
  let lastSeq = 0;
  let errors = 0;
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as ServerFrame;
    if (frame.type === "snapshot") lastSeq = frame.seq;
    if (frame.type === "events") lastSeq = frame.toSeq;
    if (frame.type === "error") errors++;
  });
  return { send: (frame: object) => socket.send(JSON.stringify(frame)), lastSeq: () => lastSeq, errors: () => errors };
}

async function until(what: string, check: () => boolean) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > waitMaxMs) throw new Error(`hand figure: ${what} did not happen within ${waitMaxMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it("raises and lowers hands in one room at 1,000 changes a second or more", { timeout: 900_000 }, async () => {
  const { context } = await communityMember("UTC");
  const amaId = `ama_bench_hands_${crypto.randomUUID().slice(0, 8)}`;
  const room = env.ROOM.getByName(amaId);
  await room.schedule({ amaId, program: context, hostMemberId: "mem_host", startsAtMs: Date.now(), plannedMs: 3_600_000, speakerCap: 8 });
  const host = await socketFor(room, "mem_host", 3);
  host.send({ type: "start" });
  const members = [];
  for (let index = 0; index < socketCount; index++) members.push(await socketFor(room, `mem_${String(index).padStart(24, "0")}`, index % 4));
  const seqNow = async () => (await room.snapshot())!.seq;
  await until("every arrival reaching the host", () => host.lastSeq() >= socketCount + 1);

  const lastAppendMs = (seq: number) => runInDurableObject(room, (_room, state) => state.storage.sql.exec<{ at_ms: number }>("SELECT at_ms FROM room_events WHERE seq = ?", seq).one().at_ms);
  const perRound: { changes: number; ms: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const socket of [host, ...members]) socket.send({ type: "heartbeat", lastSeq: socket.lastSeq() });
    const before = await seqNow();
    const target = before + 2 * socketCount;
    const startedMs = Date.now();
    for (const member of members) {
      member.send({ type: "raise_hand" });
      member.send({ type: "lower_hand" });
    }
    await until(`round ${round + 1}'s ${2 * socketCount} changes`, () => host.lastSeq() >= target);
    perRound.push({ changes: target - before, ms: Math.max(1, (await lastAppendMs(target)) - startedMs) });
  }
  const errors = members.reduce((sum, member) => sum + member.errors(), 0);
  const changes = perRound.reduce((sum, round) => sum + round.changes, 0);
  const perSecond = changes / (perRound.reduce((sum, round) => sum + round.ms, 0) / 1000);
  const roundsPerSecond = perRound.map((round) => round.changes / (round.ms / 1000));
  console.log(`ROOM_HANDS_RESULT ${JSON.stringify({ sockets: socketCount, rounds, changes, perSecond, medianRoundPerSecond: median(roundsPerSecond), roundsPerSecond, errors, target: targetPerSecond })}`);
  expect(errors).toBe(0);
  expect(perSecond).toBeGreaterThanOrEqual(targetPerSecond);
});
