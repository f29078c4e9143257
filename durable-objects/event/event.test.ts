import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { communityMember } from "../../test/community";

describe("the Event actor", () => {
  it("rebuilds its seats, waitlist, questions and polls from storage after a restart, and tells the promoted member", async () => {
    const { context } = await communityMember("UTC");
    const eventId = `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const event = env.EVENT.getByName(eventId);
    const nowMs = Date.now();
    await event.create({ eventId, program: context, hostMemberId: "mem_host", startsAtMs: nowMs, endsAtMs: nowMs + 3_600_000, capacity: 1, overflowSeats: 0, overflowTierRank: 3, minTierRank: 0, hasAudio: false });
    await event.register("mem_a", 0);
    await event.register("mem_b", 0);
    await event.register("mem_c", 2);
    const before = await event.summary("mem_b");
    await expect(runInDurableObject(event, (_instance, state) => state.abort("restarted by the test"))).rejects.toThrow();
    const restarted = env.EVENT.getByName(eventId);
    const after = await restarted.summary("mem_b");
    expect(after).toEqual(before);
    expect(after!.mine!.registration).toEqual({ status: "waitlisted", position: 2 });
    // A cancellation after the restart promotes the head of the rebuilt waitlist (GOLD first).
    expect(await restarted.cancel("mem_a")).toMatchObject({ ok: true, counts: { registered: 1, waitlisted: 1 } });
    const promoted = await restarted.summary("mem_c");
    expect(promoted!.mine!.registration).toEqual({ status: "registered", seat: "regular" });
    expect(promoted!.mine!.notices).toEqual([expect.objectContaining({ kind: "promoted", seat: "regular" })]);
    expect((await restarted.summary("mem_b"))!.mine!.registration).toEqual({ status: "waitlisted", position: 1 });
  });
});
