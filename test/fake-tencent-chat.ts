import { createHmac, timingSafeEqual } from "node:crypto";
import { inflateSync } from "node:zlib";

/**
 * A local Tencent Chat REST API (issue 22) that answers like the real one: HTTP 200 with
 * `{"ActionStatus":"OK"|"FAIL","ErrorCode","ErrorInfo",…}`. It refuses a call whose admin UserSig it
 * cannot verify (it inflates the sig and recomputes its HMAC with node:crypto, not with the package that
 * signed it), whose sdkappid or identifier differ, or whose batch is over Tencent's limits. It keeps
 * accounts and group membership in memory; every group id exists, as a Work group owned by the admin.
 * Workerd tests reach it through miniflare's outbound service (test/fake-chain.ts routes its host here);
 * `npm start` serves it on 127.0.0.1 (scripts/fake-tencent-server.ts).
 *
 * Tests steer it over HTTP (workerd tests cannot reach this process's memory):
 * - `GET /__fake/groups/{groupId}`: `{ members: [...] }` (the owner excluded)
 * - `PUT` / `DELETE /__fake/groups/{groupId}/members/{userId}`: change a group behind the engine's back
 * - `POST /__fake/fail` `{ groupId?, count, errorCode? }`: the next `count` calls (on that group) answer FAIL
 * - `GET /__fake/calls?groupId=`: the calls it recorded
 */
export const fakeTencentChatUrl = "http://chat.test";
/** What the test fake accepts (vitest.config.ts binds the same). Test values, never real. */
export const fakeTencentChatCredentials = { sdkAppId: 1400000000, adminUser: "administrator", secretKey: "test-chat-secret-key" };

export type FakeChatCall = { command: string; groupId: string | null; accounts: string[]; errorCode: number; atMs: number };
type Credentials = { sdkAppId: number; adminUser: string; secretKey: string };

/** Tencent's error codes for what the fake refuses (Chat's error code table). */
const errors = {
  sigExpired: 70001,
  sigInvalid: 70003,
  identifierMismatch: 70013,
  sdkAppIdMismatch: 70016,
  notAdmin: 60011,
  invalidParameter: 10004,
  accountNotFound: 10019,
  unknownCommand: 60003,
  injected: 10002, // "internal server error": what a test's injected failure answers by default
} as const;

export const fakeChatLimits = { import: 100, add: 20, delete: 100, page: 200 } as const;
const callsKeptMax = 5_000;

class ChatFail extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export function createFakeTencentChat(credentials: Credentials, now: () => number = Date.now) {
  const accounts = new Set<string>([credentials.adminUser]);
  const groups = new Map<string, Set<string>>();
  const calls: FakeChatCall[] = [];
  const failures: { groupId: string | null; remaining: number; errorCode: number }[] = [];

  const group = (groupId: string) => {
    let members = groups.get(groupId);
    if (!members) groups.set(groupId, (members = new Set()));
    return members;
  };

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__fake/")) return control(request, url);
    const body = await request.json().catch(() => null);
    const params = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const command = url.pathname.split("/").at(-1) ?? "";
    const groupId = typeof params.GroupId === "string" ? params.GroupId : null;
    const call: FakeChatCall = { command, groupId, accounts: accountsOf(params), errorCode: 0, atMs: now() };
    let answer: Record<string, unknown>;
    try {
      verifyAdmin(url, credentials, now());
      const failure = failures.find((entry) => entry.remaining > 0 && (entry.groupId === null || entry.groupId === groupId));
      if (failure) {
        failure.remaining -= 1;
        throw new ChatFail(failure.errorCode, "a failure the test asked for");
      }
      answer = perform(url.pathname, params);
    } catch (error) {
      if (!(error instanceof ChatFail)) throw error;
      call.errorCode = error.code;
      answer = { ActionStatus: "FAIL", ErrorCode: error.code, ErrorInfo: error.message };
    }
    calls.push(call);
    if (calls.length > callsKeptMax) calls.shift();
    return Response.json(answer);
  }

  function perform(pathname: string, params: Record<string, unknown>): Record<string, unknown> {
    const ok = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" };
    const list = (value: unknown, max: number, field: string) => {
      if (!Array.isArray(value) || value.length === 0) throw new ChatFail(errors.invalidParameter, `${field} must be a non-empty array`);
      if (value.length > max) throw new ChatFail(errors.invalidParameter, `${field} holds ${value.length} entries; at most ${max} per call`);
      return value;
    };
    const groupIdOf = () => {
      if (typeof params.GroupId !== "string" || params.GroupId === "") throw new ChatFail(errors.invalidParameter, "GroupId is required");
      return params.GroupId;
    };
    switch (pathname) {
      case "/v4/im_open_login_svc/multiaccount_import": {
        for (const account of list(params.AccountList, fakeChatLimits.import, "AccountList")) accounts.add(String(account));
        return { ...ok, FailAccounts: [] };
      }
      case "/v4/group_open_http_svc/add_group_member": {
        const members = group(groupIdOf());
        const wanted = list(params.MemberList, fakeChatLimits.add, "MemberList").map((entry) => String((entry as { Member_Account?: unknown }).Member_Account));
        const unknown = wanted.filter((account) => !accounts.has(account));
        if (unknown.length > 0) throw new ChatFail(errors.accountNotFound, `accounts not imported: ${unknown.join(", ")}`);
        const results = wanted.map((account) => ({ Member_Account: account, Result: members.has(account) ? 2 : 1 }));
        for (const account of wanted) members.add(account);
        return { ...ok, MemberList: results };
      }
      case "/v4/group_open_http_svc/delete_group_member": {
        const members = group(groupIdOf());
        // Like Tencent: an account that was not in the group is no error.
        for (const account of list(params.MemberToDel_Account, fakeChatLimits.delete, "MemberToDel_Account")) members.delete(String(account));
        return ok;
      }
      case "/v4/group_open_http_svc/get_group_member_info": {
        const members = [credentials.adminUser, ...group(groupIdOf())].map((account, index) => ({ Member_Account: account, Role: index === 0 ? "Owner" : "Member" }));
        const limit = Number(params.Limit ?? fakeChatLimits.page);
        const offset = Number(params.Offset ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > fakeChatLimits.page || !Number.isInteger(offset) || offset < 0) throw new ChatFail(errors.invalidParameter, "Limit is 1-200 and Offset ≥ 0");
        return { ...ok, MemberNum: members.length, MemberList: members.slice(offset, offset + limit) };
      }
      case "/v4/group_open_http_svc/send_group_msg": {
        groupIdOf();
        const text = (params.MsgBody as { MsgContent?: { Text?: unknown } }[] | undefined)?.[0]?.MsgContent?.Text;
        if (typeof text !== "string" || !Number.isInteger(params.Random)) throw new ChatFail(errors.invalidParameter, "MsgBody[0] must be a TIMTextElem and Random an integer");
        return { ...ok, MsgTime: Math.floor(now() / 1000), MsgSeq: calls.length + 1 };
      }
      default:
        throw new ChatFail(errors.unknownCommand, `${pathname} is not faked`);
    }
  }

  async function control(request: Request, url: URL): Promise<Response> {
    const parts = url.pathname.split("/").slice(2).map(decodeURIComponent);
    if (parts[0] === "groups" && parts[1] !== undefined) {
      const members = group(parts[1]);
      if (parts[2] === "members" && parts[3] !== undefined) {
        if (request.method === "PUT") {
          accounts.add(parts[3]);
          members.add(parts[3]);
        } else if (request.method === "DELETE") members.delete(parts[3]);
      }
      return Response.json({ members: [...members].sort() });
    }
    if (parts[0] === "fail" && request.method === "POST") {
      const body = (await request.json()) as { groupId?: string; count: number; errorCode?: number };
      failures.push({ groupId: body.groupId ?? null, remaining: body.count, errorCode: body.errorCode ?? errors.injected });
      return Response.json({ ok: true });
    }
    if (parts[0] === "calls") {
      const groupId = url.searchParams.get("groupId");
      return Response.json(groupId === null ? calls : calls.filter((call) => call.groupId === groupId));
    }
    return Response.json({ error: "unknown control path" }, { status: 404 });
  }

  return { handle, calls };
}

function accountsOf(params: Record<string, unknown>): string[] {
  if (Array.isArray(params.AccountList)) return params.AccountList.map(String);
  if (Array.isArray(params.MemberToDel_Account)) return params.MemberToDel_Account.map(String);
  if (Array.isArray(params.MemberList)) return params.MemberList.map((entry) => String((entry as { Member_Account?: unknown }).Member_Account));
  return [];
}

/** The admin's UserSig: base64 of zlib-deflated JSON with `+/=` swapped for `*-_`, HMAC-SHA256 over Tencent's field lines. */
function verifyAdmin(url: URL, credentials: Credentials, nowMs: number): void {
  const query = url.searchParams;
  if (query.get("contenttype") !== "json") throw new ChatFail(errors.invalidParameter, "contenttype must be json");
  if (!/^\d{1,10}$/.test(query.get("random") ?? "")) throw new ChatFail(errors.invalidParameter, "random must be a 32-bit unsigned integer");
  if (query.get("sdkappid") !== String(credentials.sdkAppId)) throw new ChatFail(errors.sdkAppIdMismatch, `sdkappid ${query.get("sdkappid")} is not this application`);
  const identifier = query.get("identifier") ?? "";
  let doc: Record<string, string | number>;
  try {
    const base64 = (query.get("usersig") ?? "").replace(/\*/g, "+").replace(/-/g, "/").replace(/_/g, "=");
    doc = JSON.parse(inflateSync(Buffer.from(base64, "base64")).toString("utf8"));
  } catch {
    throw new ChatFail(errors.sigInvalid, "usersig does not decode");
  }
  const lines = ["identifier", "sdkappid", "time", "expire"].map((field) => `TLS.${field}:${doc[`TLS.${field}`]}\n`).join("");
  const expected = createHmac("sha256", credentials.secretKey).update(lines, "utf8").digest();
  const given = Buffer.from(String(doc["TLS.sig"] ?? ""), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ChatFail(errors.sigInvalid, "usersig is not signed with this application's key");
  if (doc["TLS.identifier"] !== identifier) throw new ChatFail(errors.identifierMismatch, "identifier is not the UserSig's");
  if (Number(doc["TLS.sdkappid"]) !== credentials.sdkAppId) throw new ChatFail(errors.sdkAppIdMismatch, "the UserSig is for another application");
  if (Number(doc["TLS.time"]) + Number(doc["TLS.expire"]) < nowMs / 1000) throw new ChatFail(errors.sigExpired, "usersig expired");
  if (identifier !== credentials.adminUser) throw new ChatFail(errors.notAdmin, `${identifier} is not an app admin`);
}
