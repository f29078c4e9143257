import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call } from "../../test/api";
import { channelProgram, groupMembers } from "../../test/chat-channels";

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
});
