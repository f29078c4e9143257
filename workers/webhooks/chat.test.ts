import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call } from "../../test/api";
import { communityMember } from "../../test/community";
import { newKey } from "../../test/ledger";
import { postingRefusalCodes } from "../chat/chat-access";
import { chatCommands } from "./chat";

/** Signs like Tencent: Sign = hex(SHA-256(token + RequestTime)). The token is vitest.config.ts's CHAT_CALLBACK_TOKEN. */
async function sign(requestTime: string, token = env.CHAT_CALLBACK_TOKEN): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token + requestTime)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

type CallbackOptions = { requestTime?: string; sign?: string; sdkAppId?: string; command?: string };

/** A callback as Tencent sends it: the query (SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform, RequestTime, Sign) and a JSON body. */
async function postCallback(body: object | string, options: CallbackOptions = {}) {
  const requestTime = options.requestTime ?? String(Math.floor(Date.now() / 1000));
  const query = new URLSearchParams({
    SdkAppid: options.sdkAppId ?? env.CHAT_SDK_APP_ID,
    CallbackCommand: options.command ?? chatCommands.afterSendMsg,
    contenttype: "json",
    ClientIP: "203.0.113.7",
    OptPlatform: "Web",
    RequestTime: requestTime,
    Sign: options.sign ?? (await sign(requestTime)),
  });
  const response = await call("POST", `/webhooks/chat?${query}`, { token: null, rawBody: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  return { ...response, outcome: response.headers.get("X-Chat-Outcome") };
}

let seq = 1_000;
/** Group.CallbackAfterSendMsg in Tencent's documented shape (Chat docs, "After a Group Message Is Sent"). */
function afterSendMsg(groupId: string, from: string, text: string, options: { msgSeq?: number; atMs?: number } = {}) {
  return {
    CallbackCommand: chatCommands.afterSendMsg,
    GroupId: groupId,
    Type: "Work",
    From_Account: from,
    Operator_Account: from,
    Random: 123456,
    MsgSeq: options.msgSeq ?? seq++,
    MsgTime: Math.floor((options.atMs ?? Date.now()) / 1000),
    OnlineOnlyFlag: 0,
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: text } }],
    CloudCustomData: "",
  };
}

/** Group.CallbackBeforeSendMsg in Tencent's documented shape ("Before a Group Message Is Sent"). */
function beforeSendMsg(groupId: string, from: string) {
  return { CallbackCommand: chatCommands.beforeSendMsg, GroupId: groupId, Type: "Work", From_Account: from, Operator_Account: from, Random: 123456, OnlineOnlyFlag: 0, MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello everyone" } }], EventTime: String(Date.now()) };
}

const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" };

/** A community member whose program maps `channel:general` and `channel:alpha-signals` (SILVER) to fresh group ids. */
async function chatMember(timezone = "UTC", options: { points?: number } = {}) {
  const suffix = crypto.randomUUID().slice(0, 8);
  const groups = { general: `grp-general-${suffix}`, alpha: `grp-alpha-${suffix}` };
  const member = await communityMember(timezone, { community: { chatGroups: { "channel:general": groups.general, "channel:alpha-signals": groups.alpha }, actions: { big_win: { points: 600, cooldownMinutes: 0 } } } });
  if (options.points) await call("POST", `/v1/members/${member.memberId}/actions`, { body: { kind: "big_win", sourceId: "win" }, headers: { "Idempotency-Key": newKey() } });
  const chatCredits = () => member.rows<{ source_id: string; points: number }>("SELECT source_id, points FROM community_credits WHERE kind = 'chat_activity' ORDER BY source_id");
  return { ...member, groups, chatCredits };
}

/** Sends one AfterSendMsg at `iso` (the worker's clock and the message's time). */
async function chatAt(iso: string, groupId: string, from: string, text: string, msgSeq?: number) {
  vi.setSystemTime(Date.parse(iso));
  return postCallback(afterSendMsg(groupId, from, text, { msgSeq }));
}

describe("POST /webhooks/chat: the signature", () => {
  it("answers a valid callback OK in Tencent's reply shape", async () => {
    const { memberId, groups } = await chatMember();
    const response = await postCallback(afterSendMsg(groups.general, memberId, "hello from the general channel"));
    expect([response.status, response.json, response.outcome]).toEqual([200, ok, "counted"]);
  });

  it("refuses a bad Sign, a missing one and another application's SdkAppid, counting nothing", async () => {
    const { memberId, groups, rows } = await chatMember();
    const body = afterSendMsg(groups.general, memberId, "a forged message here");
    const forged = await postCallback(body, { sign: await sign(String(Math.floor(Date.now() / 1000)), "someone-elses-token") });
    expect([forged.status, forged.json.ActionStatus, forged.json.ErrorCode, forged.outcome]).toEqual([401, "FAIL", 4011, "refused:bad_signature"]);
    expect((await postCallback(body, { sign: "" })).status).toBe(401);
    const otherApp = await postCallback(body, { sdkAppId: "1400999999" });
    expect([otherApp.status, otherApp.json.ErrorCode]).toEqual([403, 4013]);
    expect(await rows("SELECT * FROM chat_messages")).toEqual([]);
  });

  it("refuses a RequestTime more than 60 s off, signed or not", async () => {
    const { memberId, groups } = await chatMember();
    const stale = String(Math.floor(Date.now() / 1000) - 61);
    const response = await postCallback(afterSendMsg(groups.general, memberId, "an old replayed message"), { requestTime: stale });
    expect([response.status, response.json.ErrorCode, response.outcome]).toEqual([401, 4012, "refused:stale_request_time"]);
    const ahead = String(Math.floor(Date.now() / 1000) + 90);
    expect((await postCallback(afterSendMsg(groups.general, memberId, "a message from the future"), { requestTime: ahead })).status).toBe(401);
  });

  it("acknowledges an unknown command and refuses a body over 64 KiB or not JSON", async () => {
    expect((await postCallback({ CallbackCommand: "State.StateChange" }, { command: "State.StateChange" })).outcome).toBe("ignored:unknown_command");
    const big = await postCallback({ padding: "x".repeat(70 * 1024) });
    expect([big.status, big.json.ErrorCode]).toEqual([413, 4130]);
    expect((await postCallback("{not json")).status).toBe(400);
    expect((await postCallback(`${"[".repeat(2_000)}${"]".repeat(2_000)}`)).json.ErrorCode).toBe(4000);
  });

  it("is in the OpenAPI document with no security requirement", async () => {
    const document = (await call("GET", "/openapi.json", { token: null })).json;
    expect(document.paths["/webhooks/chat"].post.security).toEqual([]);
  });
});

describe("Group.CallbackAfterSendMsg: chat_activity", () => {
  afterEach(() => vi.useRealTimers());

  it("counts a duplicate MsgSeq once", async () => {
    const { memberId, groups, rows } = await chatMember();
    const body = afterSendMsg(groups.general, memberId, "the same message, sent once");
    expect((await postCallback(body)).outcome).toBe("counted");
    const retry = await postCallback(body);
    expect([retry.json, retry.outcome]).toEqual([ok, "duplicate"]);
    expect(await rows("SELECT msg_seq FROM chat_messages")).toHaveLength(1);
  });

  it("pays nothing for 5 messages within an hour, and once for 5 spanning 2 hours (a 6th and 7th pay nothing more)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const quick = await chatMember();
    for (let minute = 0; minute < 5; minute++) await chatAt(`2026-12-01T10:${String(minute * 12).padStart(2, "0")}:00Z`, quick.groups.general, quick.memberId, `quick message number ${minute}`);
    expect(await quick.chatCredits()).toEqual([]);

    const steady = await chatMember();
    const times = ["09:00", "09:30", "10:15", "10:40"];
    for (const [index, time] of times.entries()) expect((await chatAt(`2026-12-02T${time}:00Z`, steady.groups.general, steady.memberId, `steady message ${index}`)).outcome).toBe("counted");
    expect((await chatAt("2026-12-02T11:00:00Z", steady.groups.general, steady.memberId, "the fifth, two hours on")).outcome).toBe("counted:credit_paid");
    expect(await steady.chatCredits()).toEqual([{ source_id: "2026-12-02", points: 10 }]);
    // chat_activity is a qualifying kind (§7a): it verified the member, which released the held join bonus.
    expect(await steady.rows("SELECT status FROM community_credits WHERE kind = 'join'")).toEqual([{ status: "credited" }]);
    expect((await chatAt("2026-12-02T12:00:00Z", steady.groups.general, steady.memberId, "a sixth message today")).outcome).toBe("counted:credit_already_paid");
    expect((await chatAt("2026-12-02T13:00:00Z", steady.groups.general, steady.memberId, "a seventh message today")).outcome).toBe("counted:credit_already_paid");
    expect(await steady.chatCredits()).toEqual([{ source_id: "2026-12-02", points: 10 }]);
  });

  it("does not count short messages or a message repeated verbatim the same day", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { memberId, groups, chatCredits } = await chatMember();
    expect((await chatAt("2026-12-03T08:00:00Z", groups.general, memberId, "  gm  ")).outcome).toBe("ignored:too_short");
    expect((await chatAt("2026-12-03T08:05:00Z", groups.general, memberId, "👍👍👍👍")).outcome).toBe("ignored:too_short");
    expect((await chatAt("2026-12-03T08:10:00Z", groups.general, memberId, "Good morning everyone")).outcome).toBe("counted");
    for (const [index, time] of ["09:00", "09:30", "10:00", "10:30"].entries()) {
      expect((await chatAt(`2026-12-03T${time}:00Z`, groups.general, memberId, index % 2 === 0 ? "good  MORNING everyone" : "Good morning everyone")).outcome).toBe("ignored:repeated");
    }
    expect(await chatCredits()).toEqual([]);
  });

  it("counts by the member's local day: messages across Tokyo's midnight make two days", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { memberId, groups, chatCredits, rows } = await chatMember("Asia/Tokyo");
    // 13:00-14:30 UTC is 22:00-23:30 in Tokyo (Dec 4); 15:00-16:30 UTC is 00:00-01:30 (Dec 5).
    const before = ["13:00", "13:30", "14:00", "14:30"];
    const after = ["15:00", "15:30", "16:00", "16:30"];
    for (const [index, time] of [...before, ...after].entries()) await chatAt(`2026-12-04T${time}:00Z`, groups.general, memberId, `late night thought ${index}`);
    expect(await rows("SELECT day, COUNT(*) AS messages FROM chat_messages GROUP BY day ORDER BY day")).toEqual([
      { day: "2026-12-04", messages: 4 },
      { day: "2026-12-05", messages: 4 },
    ]);
    // Eight messages over three and a half hours of one UTC day, but neither Tokyo day has five spanning two hours.
    expect(await chatCredits()).toEqual([]);
    const fifth = await chatAt("2026-12-04T17:00:00Z", groups.general, memberId, "still up at two");
    expect(fifth.outcome).toBe("counted:credit_paid");
    expect(await chatCredits()).toEqual([{ source_id: "2026-12-05", points: 10 }]);
  });

  it("ignores a message dated far from its callback, one in a group outside the program, and one from a non-member", async () => {
    const { memberId, groups } = await chatMember();
    const backdated = afterSendMsg(groups.general, memberId, "a message from three hours ago", { atMs: Date.now() - 3 * 3_600_000 });
    expect((await postCallback(backdated)).outcome).toBe("ignored:outside_window");
    expect((await postCallback(afterSendMsg("grp-of-my-own", memberId, "my private farm group"))).outcome).toBe("ignored:not_a_program_group");
    expect((await postCallback(afterSendMsg(groups.general, "mem_000000000000000000000000", "who am I really"))).outcome).toBe("ignored:not_a_member");
    const byAdmin = { ...afterSendMsg(groups.general, memberId, "posted on the member's behalf"), Operator_Account: env.CHAT_ADMIN_USER };
    expect((await postCallback(byAdmin)).outcome).toBe("ignored:sent_by_admin");
  });
});

describe("Group.CallbackBeforeSendMsg: posting gates", () => {
  it("allows a member with the channel's tier and refuses one without, with a 10100-10200 code and a message", async () => {
    const bronze = await chatMember();
    const refused = await postCallback(beforeSendMsg(bronze.groups.alpha, bronze.memberId), { command: chatCommands.beforeSendMsg });
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ ActionStatus: "OK", ErrorCode: postingRefusalCodes.gateFailed, ErrorInfo: "Not yet: this channel opens at tier SILVER (you are BRONZE)" });
    expect(refused.json.ErrorCode).toBeGreaterThanOrEqual(10100);
    expect(refused.json.ErrorCode).toBeLessThanOrEqual(10200);
    expect((await postCallback(beforeSendMsg(bronze.groups.general, bronze.memberId), { command: chatCommands.beforeSendMsg })).json).toEqual(ok);

    const silver = await chatMember("UTC", { points: 600 });
    const allowed = await postCallback(beforeSendMsg(silver.groups.alpha, silver.memberId), { command: chatCommands.beforeSendMsg });
    expect([allowed.json, allowed.outcome]).toEqual([ok, "allowed"]);
  });

  it("lets the admin post anywhere and leaves groups that are not ours alone", async () => {
    const { memberId, groups } = await chatMember();
    expect((await postCallback(beforeSendMsg(groups.alpha, env.CHAT_ADMIN_USER), { command: chatCommands.beforeSendMsg })).outcome).toBe("allowed:admin");
    expect((await postCallback(beforeSendMsg("someone-elses-group", memberId), { command: chatCommands.beforeSendMsg })).outcome).toBe("allowed:not_ours");
  });

  it("refuses an AMA's chat to a member the host removed, and to members of another community", async () => {
    const host = await chatMember();
    const guest = await communityMemberOf(host.program.id);
    const amaId = `ama_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    await env.DB.prepare("INSERT INTO amas (id, program_id, title, host_member_id, starts_at_ms, planned_minutes, status, idempotency_key, created_at) VALUES (?, ?, 'Chat AMA', ?, ?, 60, 'live', ?, ?)")
      .bind(amaId, host.program.id, host.memberId, Date.now(), newKey(), new Date().toISOString())
      .run();
    const room = env.ROOM.getByName(amaId);
    await room.schedule({ amaId, program: host.context, hostMemberId: host.memberId, startsAtMs: Date.now(), plannedMs: 3_600_000, speakerCap: 4 });
    const before = (memberId: string) => postCallback(beforeSendMsg(amaId, memberId), { command: chatCommands.beforeSendMsg });
    expect((await before(guest)).json).toEqual(ok);
    expect((await room.command({ type: "arrive", by: guest })).ok).toBe(true);
    expect((await room.command({ type: "remove", by: host.memberId, memberId: guest })).ok).toBe(true);
    const removed = await before(guest);
    expect(removed.json).toEqual({ ActionStatus: "OK", ErrorCode: postingRefusalCodes.removedByHost, ErrorInfo: "The host removed you from this AMA, so you cannot post in its chat" });
    expect((await before(host.memberId)).json).toEqual(ok);
    const outsider = await chatMember();
    expect((await before(outsider.memberId)).json.ErrorCode).toBe(postingRefusalCodes.notInProgram);
    // An AMA's chat counts toward the day's messages like a channel's.
    expect((await postCallback(afterSendMsg(amaId, host.memberId, "welcome to the AMA chat"))).outcome).toBe("counted");
  });
});

/** Another member of the same program (enrolled by the operator). */
async function communityMemberOf(programId: string): Promise<string> {
  const enrolled = await call("POST", "/v1/members", { body: { programId, externalRef: `guest-${crypto.randomUUID()}` } });
  return enrolled.json.id as string;
}
