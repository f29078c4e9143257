import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, createReward, earnPosted, enroll, redeem } from "../../test/ledger";

describe("the reward catalog", () => {
  it("creates, lists, changes and withdraws rewards, validating tiers and venues", async () => {
    const { program, venues } = await coalition();
    const created = await createReward(program.id, { name: "Dessert", type: "free_item", pointsCost: 150, daysOfWeek: [5, 6], tiers: ["SILVER", "GOLD"] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Dessert", pointsCost: 150, daysOfWeek: [5, 6], inventory: null, active: true });
    const badTier = await createReward(program.id, { pointsCost: 10, tiers: ["MITHRIL"] });
    expect(badTier.json.error.fields[0].path).toBe("tiers");
    const badVenue = await createReward(program.id, { pointsCost: 10, venueId: "ven_elsewhere" });
    expect(badVenue.json.error.fields[0].path).toBe("venueId");
    const badType = await createReward(program.id, { pointsCost: 10, type: "voucher" });
    expect(badType.json.error.fields[0].path).toBe("type");

    const changed = await call("PATCH", `/v1/rewards/${created.json.id}`, { body: { pointsCost: 120, inventory: 10 } });
    expect(changed.json).toMatchObject({ pointsCost: 120, inventory: 10 });
    const listed = await call("GET", `/v1/programs/${program.id}/rewards`, { token: venues[0].key });
    expect(listed.json.rewards.map((reward: { id: string }) => reward.id)).toEqual([created.json.id]);

    const withdrawn = await call("DELETE", `/v1/rewards/${created.json.id}`);
    expect(withdrawn.json.active).toBe(false);
    const memberId = await enroll(venues[0].key, "withdrawn");
    await earnPosted(venues[0].key, memberId, 50_000);
    const attempt = await redeem(venues[0].key, { memberId, rewardId: created.json.id });
    expect(attempt.json.error.code).toBe("outside_window");
    const catalog = await call("GET", `/v1/rewards?memberId=${memberId}`, { token: venues[0].key });
    expect(catalog.json.rewards).toEqual([]);
  });

  it("keeps rewards of one program away from another program's venues", async () => {
    const a = await coalition();
    const b = await coalition();
    const reward = await createReward(a.program.id, { pointsCost: 10 });
    const memberId = await enroll(b.venues[0].key, "foreigner");
    const attempt = await redeem(b.venues[0].key, { memberId, rewardId: reward.json.id });
    expect(attempt.status).toBe(403);
    expect((await call("GET", `/v1/programs/${a.program.id}/rewards`, { token: b.venues[0].key })).status).toBe(403);
  });
});
