import { createHash } from "node:crypto";
import { benchClient } from "./client";
import { type RoundOptions, load, ratioRounds, startWorker } from "./harness";

// The bench owns the token its worker checks: a callback signed with it must be accepted, whatever .dev.vars holds.
const callbackToken = "benchChatCallbackToken";
const sdkAppId = "1400000000";
const groupId = "bench-general";
const target = 0.5;

export type ChatIngestionOptions = RoundOptions & { members: number };

/** The chat group's knobs, checked before the worker starts so a bad value costs nothing. */
export function chatMembersOption(concurrency: number): number {
  const members = Number(process.env.BENCH_CHAT_MEMBERS ?? 200);
  if (!Number.isInteger(members) || members < concurrency) throw new Error(`BENCH_CHAT_MEMBERS must be an integer ≥ BENCH_CONCURRENCY (${concurrency}), got ${process.env.BENCH_CHAT_MEMBERS}`);
  return members;
}

/**
 * Chat callback ingestion (issue 22): signed `POST /webhooks/chat` Group.CallbackAfterSendMsg
 * callbacks from `members` members of a community program whose `channel:general` is the bench's
 * group, each with its own MsgSeq and text (so each is counted, none a duplicate or a repeat), as a
 * ratio to the no-op in alternating slices. RequestTime, Sign and MsgTime are made as each is sent
 * (a RequestTime over 60 s old is refused). An answer other than 200 with a `counted` outcome is a failure.
 */
export async function chatIngestion(options: ChatIngestionOptions) {
  const worker = await startWorker(() => ({ CHAT_CALLBACK_TOKEN: callbackToken, CHAT_SDK_APP_ID: sdkAppId }));
  try {
    const client = await benchClient(worker.url);
    const program = await client.post("/v1/programs", { name: "Bench chat", preset: "community", overrides: { community: { chatGroups: { "channel:general": groupId } } } });
    if (program.status !== 201) throw new Error(`chat ingestion: POST /v1/programs answered ${program.status} ${JSON.stringify(program.json)}`);
    console.log(`bench: enrolling ${options.members} members of a community program for the chat figure (setup, not measured)…`);
    const members: string[] = [];
    await load(options.members, options.concurrency, async (index) => {
      const enrolled = await client.post("/v1/members", { programId: program.json.id, externalRef: `bench-chat-member-${index}` }, { ...client.operator, "Idempotency-Key": `bench-chat-enroll-${index}` });
      if (enrolled.status === 201) members[index] = enrolled.json.id;
      return enrolled.status === 201;
    });
    if (members.filter(Boolean).length !== options.members) throw new Error("chat ingestion: not every bench member enrolled");
    return await measure(worker.url, client.noop, members, options);
  } finally {
    worker.stop();
  }
}

async function measure(url: string, noop: () => Promise<boolean>, members: string[], options: ChatIngestionOptions) {
  const { rounds, requestsPerRound, slicesPerRound, concurrency, settle } = options;
  const perSlice = Math.ceil(requestsPerRound / slicesPerRound);
  let next = 0;
  let firstFailure: string | undefined;
  const signs = new Map<string, string>();
  const post = async () => {
    const n = next++;
    const requestTime = String(Math.floor(Date.now() / 1000));
    let sign = signs.get(requestTime);
    if (!sign) signs.set(requestTime, (sign = createHash("sha256").update(callbackToken + requestTime).digest("hex")));
    const query = new URLSearchParams({ SdkAppid: sdkAppId, CallbackCommand: "Group.CallbackAfterSendMsg", contenttype: "json", ClientIP: "127.0.0.1", OptPlatform: "Web", RequestTime: requestTime, Sign: sign });
    const from = members[n % members.length];
    const body = JSON.stringify({
      CallbackCommand: "Group.CallbackAfterSendMsg",
      GroupId: groupId,
      Type: "Work",
      From_Account: from,
      Operator_Account: from,
      Random: n,
      MsgSeq: n + 1,
      MsgTime: Math.floor(Date.now() / 1000),
      OnlineOnlyFlag: 0,
      MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: `bench message number ${n}` } }],
    });
    const response = await fetch(`${url}/webhooks/chat?${query}`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    const text = await response.text();
    const outcome = response.headers.get("X-Chat-Outcome") ?? "";
    const ok = response.status === 200 && outcome.startsWith("counted");
    if (!ok) firstFailure ??= `${response.status} ${outcome} ${text.slice(0, 200)}`;
    return ok;
  };

  // Every member's actor gets its first callback (and its chat table) before timing.
  await load(members.length, concurrency, post);
  if (firstFailure) throw new Error(`chat ingestion: POST /webhooks/chat answered ${firstFailure}`);
  await load(200, concurrency, noop);
  await load(100, concurrency, post);

  const name = "chat callback req/s ÷ no-op req/s";
  console.log(`bench: chat callbacks, ${rounds} rounds × ${perSlice * slicesPerRound} requests, ${concurrency} in flight, ${members.length} members`);
  const figure = await ratioRounds({ name, target, rounds, slicesPerRound, perSlice, concurrency, baseline: noop, measured: post, settle });
  const { ratio, failures } = figure;
  const entry = { ...figure, members: members.length, firstFailure };
  console.log("\nfigure                                   value   target   (context)");
  console.log(`${name.padEnd(40)} ${ratio.toFixed(2)}    ≥ ${target.toFixed(2)}   ${entry.perSecond.toFixed(0)} vs ${entry.noopPerSecond.toFixed(0)} req/s, p50 ${entry.p50Ms.toFixed(1)} ms, p99 ${entry.p99Ms.toFixed(1)} ms, failures ${failures}${entry.meetsTarget ? "" : "  ✗ MISSES THE TARGET"}`);
  if (firstFailure) console.log(`  first failed answer: ${firstFailure}`);
  return { name, entry };
}
