import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call } from "../../test/api";
import { channelProgram, fakeChat, groupMembers } from "../../test/chat-channels";
import { deliver } from "../../test/projections";
import worker from "../index";
import { reconcileGroup } from "./reconcile";

const eventually = { timeout: 15_000, interval: 100 };

describe("tier-gated channels synced to Tencent Chat", () => {
  it("adds a promoted member to the channels their tier opens and removes them within one sync of a demotion", async () => {
    const { groups, enroll, earn } = await channelProgram();
    const memberId = await enroll();
    // Joining is BRONZE: #general only.
    await vi.waitUntil(async () => (await groupMembers(groups.general)).includes(memberId), eventually);
    expect(await groupMembers(groups.alpha)).not.toContain(memberId);

    await earn(memberId, 600);
    await vi.waitUntil(async () => (await groupMembers(groups.alpha)).includes(memberId), eventually);
    expect(await groupMembers(groups.founders)).not.toContain(memberId);
    expect((await call("GET", `/v1/members/${memberId}`)).json.tier).toBe("SILVER");

    await earn(memberId, -600);
    expect((await call("GET", `/v1/members/${memberId}`)).json.tier).toBe("BRONZE");
    await vi.waitUntil(async () => !(await groupMembers(groups.alpha)).includes(memberId), eventually);
    expect(await groupMembers(groups.general)).toContain(memberId);
    // The sync records the tier it synced at (the reconciliation re-syncs a member whose projected tier differs).
    const syncedTier = async () => (await env.DB.prepare("SELECT tier FROM chat_member_syncs WHERE member_id = ?").bind(memberId).first<{ tier: string }>())?.tier;
    await vi.waitUntil(async () => (await syncedTier()) === "BRONZE", eventually);
  }, 45_000);

  it("reconciles a group changed behind the engine's back: a stranger is removed, a removed member put back", async () => {
    const { program, groups, enroll } = await channelProgram();
    const [kept, removed] = [await enroll(), await enroll()];
    await vi.waitUntil(async () => (await groupMembers(groups.general)).length === 2, eventually);
    const general = (path: string, method: string) => fakeChat(`groups/${encodeURIComponent(groups.general)}/members/${path}`, { method });
    await general(removed, "DELETE");
    await general("stranger_1", "PUT");

    const report = await reconcileGroup(env, program.id, groups.general);
    expect(report).toEqual({ programId: program.id, groupId: groups.general, realMembers: 2, removed: ["stranger_1"], resynced: [removed] });
    // The missing member is re-synced from their actor (through the queue), not added blindly.
    await vi.waitUntil(async () => (await groupMembers(groups.general)).includes(removed), eventually);
    expect((await groupMembers(groups.general)).sort()).toEqual([kept, removed].sort());

    // The hourly cron does the same through the queue.
    await general("stranger_2", "PUT");
    await general(kept, "DELETE");
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
    await vi.waitUntil(async () => (await groupMembers(groups.general)).sort().join() === [kept, removed].sort().join(), eventually);
  }, 45_000);

  it("re-syncs at the hourly reconciliation a member whose tier changed while the program had no groups", async () => {
    const { groups, enroll, earn, mapGroups } = await channelProgram({ withGroups: false });
    const memberId = await enroll();
    await earn(memberId, 600);
    const projected = () => env.DB.prepare("SELECT tier FROM member_balances WHERE member_id = ?").bind(memberId).first<{ tier: string }>();
    await vi.waitUntil(async () => (await projected())?.tier === "SILVER", eventually);
    await mapGroups();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
    await vi.waitUntil(async () => (await groupMembers(groups.alpha)).includes(memberId), eventually);
    expect(await groupMembers(groups.founders)).toEqual([]);
  }, 45_000);

  it("ends with the member's last tier when syncs of the same member race with promotions and demotions", async () => {
    const { program, groups, enroll, earn } = await channelProgram();
    const memberId = await enroll();
    const sync = () => deliver("loyalty-chat-sync", [{ v: 1, type: "member", programId: program.id, memberId }]);
    // Extra syncs of this member run on top of the queue's own, each reading whatever tier it meets.
    const racing = Array.from({ length: 6 }, (_, index) => new Promise((resolve) => setTimeout(resolve, index * 40)).then(sync));
    for (const points of [600, -600, 600, -600, 600]) await earn(memberId, points);
    await Promise.all(racing);
    await vi.waitUntil(async () => (await groupMembers(groups.alpha)).includes(memberId), eventually);
    // No sync that read an older tier may land after the last one and take the channel away again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await groupMembers(groups.alpha)).toContain(memberId);
    expect((await call("GET", `/v1/members/${memberId}`)).json.tier).toBe("SILVER");

    await earn(memberId, -600);
    await vi.waitUntil(async () => !(await groupMembers(groups.alpha)).includes(memberId), eventually);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await groupMembers(groups.alpha)).not.toContain(memberId);
  }, 45_000);
});
