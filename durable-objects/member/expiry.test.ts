import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { addMonths } from "date-fns";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { advance, coalition, earnPosted, enroll, memberView, purchase, hoursAgo } from "../../test/ledger";

const dayMs = 86_400_000;
const lotsWarned = (memberId: string) =>
  runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM lots WHERE warned = 1").one().n);

describe("expiry by the alarm", () => {
  it("warns 30 days before points expire 12 months after earning, then expires them into the journal", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "expiring");
    const posted = await earnPosted(venues[0].key, memberId, 10_000);
    const expiresAt = addMonths(new Date(posted.postsAt), 12).getTime();

    await advance(memberId, expiresAt - 31 * dayMs);
    expect(await lotsWarned(memberId)).toBe(0);
    await advance(memberId, expiresAt - 29 * dayMs);
    expect(await lotsWarned(memberId)).toBe(1);
    expect((await call("GET", `/v1/members/${memberId}`)).json.points.available).toBe(200);

    await advance(memberId, expiresAt + 1000);
    const member = await memberView(memberId);
    expect(member.points).toMatchObject({ available: 0, lifetime: 200 });
    const ledger = await call("GET", `/v1/members/${memberId}/ledger?limit=1`);
    expect(ledger.json.entries[0]).toMatchObject({ kind: "expire", delta: -200, balanceAfter: 0 });
  });

  it("lists points expiring soon in the member view", async () => {
    // The points post 24 h from now (the hold) and expire a month after that: within 40 days.
    const { venues } = await coalition(1, { expiry: { months: 1, warningDays: 40 } });
    const memberId = await enroll(venues[0].key, "soon");
    await earnPosted(venues[0].key, memberId, 5_000);
    const member = await memberView(memberId);
    expect(member.points.expiringSoon).toHaveLength(1);
    expect(member.points.expiringSoon[0].points).toBe(150);
  });

  it("keeps the points of members above the lowest tier when the policy expires the lowest tier only", async () => {
    const { venues } = await coalition(1, { expiry: { lowestTierOnly: true } });
    const bronze = await enroll(venues[0].key, "bronze-expires");
    const silver = await enroll(venues[0].key, "silver-keeps");
    await earnPosted(venues[0].key, bronze, 10_000);
    await earnPosted(venues[0].key, silver, 60_000);
    expect((await memberView(silver)).tier).toBe("SILVER");
    const later = addMonths(new Date(), 13).getTime();
    await advance(bronze, later);
    await advance(silver, later);
    expect((await memberView(bronze)).points.available).toBe(0);
    expect((await memberView(silver)).points.available).toBe(700);
  });

  it("expires everything after N months without activity, under an inactivity policy", async () => {
    const { venues } = await coalition(1, { expiry: { mode: "after_inactivity", months: 6, warningDays: 14 } });
    const memberId = await enroll(venues[0].key, "idle");
    await purchase(venues[0].key, { memberId, amountCents: 10_000, occurredAt: hoursAgo(25) });
    await advance(memberId, Date.now());
    const deadline = addMonths(new Date(Date.now() - 25 * 3_600_000), 6).getTime();
    await advance(memberId, deadline - dayMs);
    expect((await memberView(memberId)).points.available).toBe(200);
    await advance(memberId, deadline + 1000);
    expect((await memberView(memberId)).points).toMatchObject({ available: 0, lifetime: 200 });
  });
});
