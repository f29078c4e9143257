import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { newKey } from "../../test/ledger";
import { pointsTakenTwice, tokensOf, walletMember } from "../../test/token-payouts";

/** A member with settleable quest points and the join bonus (which does not settle), a kiosk, and a reward. */
async function memberAtKiosk(rewardCost: (available: number) => number) {
  const member = await walletMember();
  await member.verify();
  await member.quest("q1");
  const venue = await call("POST", `/v1/programs/${member.program.id}/venues`, { body: { name: "Kiosk" } });
  const kioskKey = (await call("POST", `/v1/venues/${venue.json.id}/keys`)).json.key as string;
  const start = await tokensOf(member.memberId);
  const reward = await call("POST", `/v1/programs/${member.program.id}/rewards`, { body: { name: "Hoodie", type: "free_item", pointsCost: rewardCost(start.available) } });
  const redeem = () => call("POST", "/v1/redemptions", { token: kioskKey, body: { memberId: member.memberId, rewardId: reward.json.id }, headers: { "Idempotency-Key": newKey("kiosk") } });
  const cut = () => member.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": newKey("cut") });
  return { member, start, redeem, cut, rewardId: reward.json.id as string };
}

describe("spending at the kiosk while a payout is cut", () => {
  it("never spends the same points twice when a redemption and a payout cut race", async () => {
    for (let round = 0; round < 4; round++) {
      const { member, start, redeem, cut } = await memberAtKiosk((available) => available - 50);
      // Both requests in flight at once, sent in either order.
      const [redeemed, reserved] = round % 2 === 0 ? await Promise.all([redeem(), cut()]) : await Promise.all([cut(), redeem()]).then(([second, first]) => [first, second]);
      const spent = redeemed.status === 201 ? (redeemed.json.pointsSpent as number) : 0;
      const cutPoints = reserved.status === 201 ? (reserved.json.points as number) : 0;
      expect(redeemed.status === 201 || redeemed.json.error.code === "insufficient_points").toBe(true);
      expect(reserved.status === 201 || ["below_minimum_payout"].includes(reserved.json.error.code)).toBe(true);
      expect(spent + cutPoints).toBeLessThanOrEqual(start.available);
      expect(await tokensOf(member.memberId)).toMatchObject({ available: start.available - spent - cutPoints, reservedPoints: cutPoints });
      expect(await pointsTakenTwice(member.rows)).toEqual([]);
    }
  });

  it("lets a member spend only the points a reserved payout left", async () => {
    const { member, start, cut } = await memberAtKiosk(() => 1);
    const reserved = await cut();
    expect(reserved.status).toBe(201);
    const left = start.available - (reserved.json.points as number);
    expect(left).toBeGreaterThan(0);
    const kiosk = await call("POST", `/v1/programs/${member.program.id}/venues`, { body: { name: "Kiosk 2" } });
    const kioskKey = (await call("POST", `/v1/venues/${kiosk.json.id}/keys`)).json.key as string;
    const rewardFor = async (cost: number) => (await call("POST", `/v1/programs/${member.program.id}/rewards`, { body: { name: `Cost ${cost}`, type: "free_item", pointsCost: cost } })).json.id as string;
    const tooMuch = await call("POST", "/v1/redemptions", { token: kioskKey, body: { memberId: member.memberId, rewardId: await rewardFor(left + 1) }, headers: { "Idempotency-Key": newKey() } });
    expect([tooMuch.status, tooMuch.json.error.code]).toEqual([422, "insufficient_points"]);
    const exact = await call("POST", "/v1/redemptions", { token: kioskKey, body: { memberId: member.memberId, rewardId: await rewardFor(left) }, headers: { "Idempotency-Key": newKey() } });
    expect([exact.status, exact.json.balance]).toEqual([201, 0]);
    expect(await tokensOf(member.memberId)).toMatchObject({ available: 0, reservedPoints: reserved.json.points });
    expect(await pointsTakenTwice(member.rows)).toEqual([]);
  });
});
