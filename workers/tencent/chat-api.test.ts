import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupMembers } from "../../test/chat-channels";
import { ChatApiError, addGroupMembers, callChatApi, deleteGroupMembers, groupMembersPage, importAccounts, sendGroupText } from "./chat-api";

const group = () => `@TGS#api-${crypto.randomUUID().slice(0, 8)}`;
const codeOf = (promise: Promise<unknown>) => promise.then(() => "no error", (error: ChatApiError) => error.errorCode);

describe("the Tencent Chat REST client against the fake", () => {
  it("imports accounts, adds, pages, removes and posts as the app admin", async () => {
    const groupId = group();
    await importAccounts(env, ["mem_a", "mem_b"]);
    await addGroupMembers(env, groupId, ["mem_a", "mem_b"]);
    expect(await groupMembers(groupId)).toEqual(["mem_a", "mem_b"]);
    // The owner (the admin) is listed too, with its role.
    const page = await groupMembersPage(env, groupId, 0, 2);
    expect(page).toEqual({ total: 3, members: [{ userId: "administrator", role: "Owner" }, { userId: "mem_a", role: "Member" }] });
    await deleteGroupMembers(env, groupId, ["mem_a", "mem_never_there"]);
    expect(await groupMembers(groupId)).toEqual(["mem_b"]);
    expect((await sendGroupText(env, groupId, "gm", 42)).msgSeq).toBeGreaterThan(0);
  });

  it("reads ActionStatus FAIL from an HTTP 200 as an error with Tencent's code", async () => {
    expect(await codeOf(addGroupMembers(env, group(), ["mem_not_imported"]))).toBe(10019);
    // Over the batch limits the fake answers as Tencent does; the client refuses before it sends.
    expect(await codeOf(callChatApi(env, "group_open_http_svc/add_group_member", { GroupId: group(), MemberList: Array.from({ length: 21 }, (_, index) => ({ Member_Account: `m${index}` })) }))).toBe(10004);
    expect(await codeOf(callChatApi(env, "group_open_http_svc/delete_group_member", { GroupId: group(), MemberToDel_Account: Array.from({ length: 101 }, (_, index) => `m${index}`) }))).toBe(10004);
    await expect(addGroupMembers(env, group(), Array.from({ length: 21 }, (_, index) => `m${index}`))).rejects.toThrow(RangeError);
  });

  it("is refused with a UserSig signed by another key, for another admin or another application", async () => {
    expect(await codeOf(importAccounts({ ...env, CHAT_SECRET_KEY: "not-the-key" }, ["mem_a"]))).toBe(70003);
    expect(await codeOf(importAccounts({ ...env, CHAT_ADMIN_USER: "mem_a" }, ["mem_a"]))).toBe(60011);
    expect(await codeOf(importAccounts({ ...env, CHAT_SDK_APP_ID: "1400000009" }, ["mem_a"]))).toBe(70016);
    expect(await codeOf(importAccounts({ ...env, CHAT_SECRET_KEY: "" }, ["mem_a"]))).toBeNull();
  });
});
