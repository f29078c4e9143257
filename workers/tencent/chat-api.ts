import { Api } from "tls-sig-api-v2";

/**
 * Tencent Chat's server REST API (issue 22): `POST {CHAT_API_BASE}/v4/<service>/<command>?sdkappid=&
 * identifier=&usersig=&random=&contenttype=json`, as the app admin `CHAT_ADMIN_USER`, with a UserSig
 * signed by `CHAT_SECRET_KEY` (the Chat application's own key; TRTC's may differ). Tencent answers
 * HTTP 200 even when a call fails, so every answer's `ActionStatus` and `ErrorCode` are read; a failure
 * is a `ChatApiError` carrying the code. Callers are the channel-sync queue consumer and the cron, never
 * a request waiting on an answer.
 */
export type ChatApiEnv = Pick<Env, "CHAT_API_BASE" | "CHAT_SDK_APP_ID" | "CHAT_ADMIN_USER" | "CHAT_SECRET_KEY">;

/** Tencent's per-call bounds (issue 22, Tencent's REST API pages); the fake refuses a call over them. */
export const chatApiLimits = {
  importAccountsMax: 100,
  addMembersMax: 20,
  deleteMembersMax: 100,
  /** get_group_member_info allows up to 200 per page; 100 is Tencent's recommended page. */
  memberPageMax: 100,
  textBytesMax: 12 * 1024,
} as const;

export const chatApiTimeoutMs = 10_000;
/** The admin UserSig lives 10 minutes: long enough for a consumer batch, short if it ever leaked into a log. */
const adminSigSeconds = 10 * 60;
const responseBytesMax = 4 * 1024 * 1024;

export class ChatApiError extends Error {
  constructor(
    readonly command: string,
    /** Tencent's ErrorCode, or null when there was no Tencent answer (timeout, network, not JSON). */
    readonly errorCode: number | null,
    message: string,
  ) {
    super(`${command}: ${message}${errorCode === null ? "" : ` (ErrorCode ${errorCode})`}`);
    this.name = "ChatApiError";
  }
}

type Answer = Record<string, unknown>;

export async function callChatApi(env: ChatApiEnv, path: `${string}/${string}`, body: Answer): Promise<Answer> {
  const command = path.split("/")[1];
  const sdkAppId = Number(env.CHAT_SDK_APP_ID);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new ChatApiError(command, null, "CHAT_SDK_APP_ID must be the Chat application's numeric SDKAppID");
  if (!env.CHAT_SECRET_KEY || !env.CHAT_ADMIN_USER || !env.CHAT_API_BASE) throw new ChatApiError(command, null, "set CHAT_API_BASE, CHAT_ADMIN_USER and the secret CHAT_SECRET_KEY");
  const userSig = new Api(sdkAppId, env.CHAT_SECRET_KEY).genUserSig(env.CHAT_ADMIN_USER, adminSigSeconds);
  const url = new URL(`/v4/${path}`, env.CHAT_API_BASE);
  url.search = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier: env.CHAT_ADMIN_USER,
    usersig: userSig,
    random: String(crypto.getRandomValues(new Uint32Array(1))[0]),
    contenttype: "json",
  }).toString();
  let text: string;
  try {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(chatApiTimeoutMs) });
    text = await response.text();
    if (!response.ok) throw new ChatApiError(command, null, `HTTP ${response.status} from ${url.host}`);
  } catch (error) {
    if (error instanceof ChatApiError) throw error;
    const name = (error as Error).name;
    throw new ChatApiError(command, null, name === "TimeoutError" || name === "AbortError" ? `no answer within ${chatApiTimeoutMs} ms` : `${url.host} unreachable (${(error as Error).message})`);
  }
  if (text.length > responseBytesMax) throw new ChatApiError(command, null, `an answer of ${text.length} bytes`);
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    throw new ChatApiError(command, null, "the answer is not JSON");
  }
  if (answer?.ActionStatus !== "OK" || answer.ErrorCode !== 0) {
    const code = typeof answer?.ErrorCode === "number" ? answer.ErrorCode : null;
    throw new ChatApiError(command, code, String(answer?.ErrorInfo ?? "ActionStatus is not OK"));
  }
  return answer;
}

function assertBatch(command: string, size: number, max: number): void {
  if (size < 1 || size > max) throw new RangeError(`${command} takes 1 to ${max} accounts per call; got ${size}`);
}

/** Creates the Chat accounts if missing (an existing account is fine). Answers the accounts Tencent could not import. */
export async function importAccounts(env: ChatApiEnv, userIds: readonly string[]): Promise<{ failed: string[] }> {
  assertBatch("multiaccount_import", userIds.length, chatApiLimits.importAccountsMax);
  const answer = await callChatApi(env, "im_open_login_svc/multiaccount_import", { AccountList: userIds });
  const failed = Array.isArray(answer.FailAccounts) ? answer.FailAccounts.map(String) : [];
  return { failed };
}

/**
 * Adds members silently (no system message to the group). Per member, Tencent answers Result 0 failed,
 * 1 added, 2 already a member, 3 waiting for approval; only 0 is a failure here.
 */
export async function addGroupMembers(env: ChatApiEnv, groupId: string, userIds: readonly string[]): Promise<{ failed: string[] }> {
  assertBatch("add_group_member", userIds.length, chatApiLimits.addMembersMax);
  const answer = await callChatApi(env, "group_open_http_svc/add_group_member", { GroupId: groupId, Silence: 1, MemberList: userIds.map((userId) => ({ Member_Account: userId })) });
  const results = Array.isArray(answer.MemberList) ? (answer.MemberList as { Member_Account?: unknown; Result?: unknown }[]) : [];
  return { failed: results.filter((result) => result.Result === 0).map((result) => String(result.Member_Account)) };
}

/** Removes members silently. Tencent answers OK for an account that was not in the group, so a repeat is harmless. */
export async function deleteGroupMembers(env: ChatApiEnv, groupId: string, userIds: readonly string[]): Promise<void> {
  assertBatch("delete_group_member", userIds.length, chatApiLimits.deleteMembersMax);
  await callChatApi(env, "group_open_http_svc/delete_group_member", { GroupId: groupId, Silence: 1, MemberToDel_Account: userIds });
}

export type GroupMember = { userId: string; role: string };

/** One page of a group's members (Offset/Limit paging; `total` is Tencent's MemberNum). */
export async function groupMembersPage(env: ChatApiEnv, groupId: string, offset: number, limit: number = chatApiLimits.memberPageMax): Promise<{ total: number; members: GroupMember[] }> {
  assertBatch("get_group_member_info", limit, chatApiLimits.memberPageMax);
  const answer = await callChatApi(env, "group_open_http_svc/get_group_member_info", { GroupId: groupId, Limit: limit, Offset: offset, MemberInfoFilter: ["Role"] });
  const list = Array.isArray(answer.MemberList) ? (answer.MemberList as { Member_Account?: unknown; Role?: unknown }[]) : [];
  const total = typeof answer.MemberNum === "number" ? answer.MemberNum : list.length;
  return { total, members: list.map((member) => ({ userId: String(member.Member_Account), role: String(member.Role ?? "Member") })) };
}

/**
 * Posts a text message as the app admin. `random` is Tencent's de-duplication number for the message:
 * a delivery retried with the same one is the same message to Tencent.
 */
export async function sendGroupText(env: ChatApiEnv, groupId: string, text: string, random: number): Promise<{ msgSeq: number; msgTime: number }> {
  if (new TextEncoder().encode(text).length > chatApiLimits.textBytesMax) throw new RangeError(`a Chat text message is at most ${chatApiLimits.textBytesMax} bytes`);
  const answer = await callChatApi(env, "group_open_http_svc/send_group_msg", { GroupId: groupId, Random: random, MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: text } }] });
  return { msgSeq: Number(answer.MsgSeq ?? 0), msgTime: Number(answer.MsgTime ?? 0) };
}
