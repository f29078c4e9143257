import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { callsOn, channelProgram, failNext, fakeChat, groupMembers } from "../../test/chat-channels";
import { deliver } from "../../test/projections";

const eventually = { timeout: 20_000, interval: 200 };
const syncMessages = (programId: string, memberIds: string[]) => memberIds.map((memberId) => ({ v: 1, type: "member", programId, memberId }));

/** Runs `task` over `items`, `width` at a time (the test worker shares two cores). */
async function inWaves<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) results.push(...(await Promise.all(items.slice(start, start + width).map(task))));
  return results;
}

/**
 * Members whose tier changes are projected (and whose chat-sync messages ran) while the program had no
 * chat groups: mapping the groups afterwards leaves one sync batch, the test's, to make every call.
 */
async function settledMembers(count: number, points: number) {
  const setup = await channelProgram({ withGroups: false });
  const memberIds = await inWaves(Array.from({ length: count }), 10, () => setup.enroll());
  if (points !== 0) await inWaves(memberIds, 10, (memberId) => setup.earn(memberId, points));
  const projectedAt = (tier: string) => env.DB.prepare("SELECT COUNT(*) AS n FROM member_balances WHERE program_id = ? AND tier = ?").bind(setup.program.id, tier).first<{ n: number }>();
  await vi.waitUntil(async () => (await projectedAt(points >= 500 ? "SILVER" : "BRONZE"))?.n === count, eventually);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // the chat-sync messages those events enqueued
  await setup.mapGroups();
  return { ...setup, memberIds };
}

describe("channel sync batches within Tencent's limits", () => {
  it("adds 45 members promoted at once in add_group_member calls of at most 20, after importing their accounts", async () => {
    const { program, groups, memberIds } = await settledMembers(45, 600);
    const { result } = await deliver("loyalty-chat-sync", syncMessages(program.id, memberIds));
    expect(result.explicitAcks).toHaveLength(45);

    expect((await groupMembers(groups.alpha)).sort()).toEqual([...memberIds].sort());
    expect((await groupMembers(groups.general)).sort()).toEqual([...memberIds].sort());
    expect(await groupMembers(groups.founders)).toEqual([]);
    const adds = (await callsOn(groups.alpha)).filter((call) => call.command === "add_group_member");
    expect(adds.map((call) => call.accounts.length)).toEqual([20, 20, 5]);
    expect(adds.every((call) => call.errorCode === 0)).toBe(true);
  }, 120_000);

  it("removes 150 members in delete_group_member calls of at most 100", async () => {
    const { program, groups, memberIds } = await settledMembers(150, 0);
    // 150 BRONZE members sit in the SILVER channel (put there behind the engine's back).
    await inWaves(memberIds, 25, (memberId) => fakeChat(`groups/${encodeURIComponent(groups.alpha)}/members/${memberId}`, { method: "PUT" }));
    expect(await groupMembers(groups.alpha)).toHaveLength(150);

    const { result } = await deliver("loyalty-chat-sync", syncMessages(program.id, memberIds));
    expect(result.explicitAcks).toHaveLength(150);
    expect(await groupMembers(groups.alpha)).toEqual([]);
    const deletes = (await callsOn(groups.alpha)).filter((call) => call.command === "delete_group_member");
    expect(deletes.map((call) => call.accounts.length)).toEqual([100, 50]);
    const imports = (await fakeChat<{ command: string; accounts: string[] }[]>("calls")).filter((call) => call.command === "multiaccount_import" && memberIds.includes(call.accounts[0]));
    expect(imports.every((call) => call.accounts.length <= 100)).toBe(true);
  }, 120_000);

  it("retries the members of a failed batch with a growing delay, and the retry leaves the group right", async () => {
    const { program, groups, memberIds } = await settledMembers(3, 600);
    await failNext(1, groups.alpha);
    const first = await deliver("loyalty-chat-sync", syncMessages(program.id, memberIds));
    expect(first.retried.map((retry) => retry.delaySeconds)).toEqual([5, 5, 5]);
    expect(await groupMembers(groups.alpha)).toEqual([]);
    // The failed call was an add; the groups that did not fail hold the members already.
    expect((await groupMembers(groups.general)).sort()).toEqual([...memberIds].sort());

    const second = await deliver("loyalty-chat-sync", syncMessages(program.id, memberIds), 2);
    expect(second.result.explicitAcks).toHaveLength(3);
    expect((await groupMembers(groups.alpha)).sort()).toEqual([...memberIds].sort());
    const alphaCalls = (await callsOn(groups.alpha)).map((call) => [call.command, call.errorCode]);
    expect(alphaCalls).toContainEqual(["add_group_member", 10002]);
  }, 60_000);
});
