import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { applyMemberEvents, projectionRows } from "../../db/projections";
import type { MemberEvent } from "../../durable-objects/member/member-events";
import { call } from "../../test/api";
import { coalition, createReward, earnPosted, enroll, purchase, redeem } from "../../test/ledger";

const db = () => drizzle(env.DB);
const digest = async () => JSON.stringify(await projectionRows(db()));
const clearProjections = () => env.DB.batch(["member_balances", "member_venue_stats", "settlements"].map((table) => env.DB.prepare(`DELETE FROM ${table}`)));

async function allEvents(memberIds: string[]): Promise<MemberEvent[]> {
  const events: MemberEvent[] = [];
  for (const memberId of memberIds) {
    for (let after = 0; ; ) {
      const page = await env.MEMBER.getByName(memberId).events(after, 100);
      if (page.length === 0) break;
      events.push(...page);
      after = page[page.length - 1].seq;
    }
  }
  return events;
}

describe("outbox → Queue → D1 projections", () => {
  it("leaves D1 identical after shuffled triple delivery, one in-order delivery and a rebuild from the actors", async () => {
    const { program, venues } = await coalition(2, undefined, [{}, { maxCrossVenueRedemptionPercent: 100, revenueSharePercent: 5 }]);
    const members = [await enroll(venues[0].key, "p-1"), await enroll(venues[1].key, "p-2"), await enroll(venues[0].key, "p-3")];
    for (const memberId of members) await earnPosted(venues[0].key, memberId, 12_000);
    await purchase(venues[1].key, { memberId: members[0], amountCents: 3_000 });
    const reward = await createReward(program.id, { pointsCost: 150 });
    const crossed = await redeem(venues[1].key, { memberId: members[1], rewardId: reward.json.id });
    expect(crossed.json.settlements).toHaveLength(1);
    const cancelled = await redeem(venues[1].key, { memberId: members[2], rewardId: reward.json.id });
    await call("POST", `/v1/redemptions/${cancelled.json.code}/cancel`, { token: venues[1].key });

    const events = await allEvents(members);
    const lastSeq = new Map(events.map((event) => [event.memberId, event.seq]));
    await vi.waitUntil(
      async () => {
        const rows = await env.DB.prepare("SELECT member_id, last_seq FROM member_balances").all<{ member_id: string; last_seq: number }>();
        return members.every((memberId) => rows.results.some((row) => row.member_id === memberId && row.last_seq === lastSeq.get(memberId)));
      },
      { timeout: 10_000, interval: 100 },
    );
    const delivered = await digest();

    await clearProjections();
    await applyMemberEvents(db(), events);
    const inOrder = await digest();

    await clearProjections();
    const shuffled = fc.sample(fc.shuffledSubarray([...events, ...events, ...events], { minLength: events.length * 3 }), { numRuns: 1, seed: 42 })[0];
    for (let start = 0; start < shuffled.length; start += 100) await applyMemberEvents(db(), shuffled.slice(start, start + 100));
    const tripleShuffled = await digest();

    await clearProjections();
    for (const memberId of members) await applyMemberEvents(db(), [(await env.MEMBER.getByName(memberId).projectionSnapshot())!]);
    const rebuilt = await digest();

    expect(JSON.parse(inOrder).settlements).toHaveLength(3);
    expect(inOrder).toBe(delivered);
    expect(tripleShuffled).toBe(inOrder);
    expect(rebuilt).toBe(inOrder);
  });
});
