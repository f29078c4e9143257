import { addMonths } from "date-fns";
import { describe, expect, it } from "vitest";
import { advance, afterHoldMs, coalition, enroll, hoursAgo, memberView, purchase } from "../../test/ledger";

describe("tier requalification (off by default)", () => {
  it("never lowers a tier when the program has no requalification window", async () => {
    const { venues } = await coalition();
    const memberId = await enroll(venues[0].key, "keeps-gold");
    await Promise.all(Array.from({ length: 20 }, (_, visit) => purchase(venues[0].key, { memberId, amountCents: 500, occurredAt: hoursAgo(25 + visit) })));
    await advance(memberId, afterHoldMs());
    expect((await memberView(memberId)).tier).toBe("GOLD");
    await advance(memberId, addMonths(new Date(), 30).getTime());
    expect((await memberView(memberId)).tier).toBe("GOLD");
  });

  it("reviews the tier every window and lowers it by at most one step when the window's activity falls short", async () => {
    const { venues } = await coalition(1, { requalification: { enabled: true } });
    const memberId = await enroll(venues[0].key, "requalifies");
    const enrolledAt = new Date((await memberView(memberId)).enrolledAt);
    await Promise.all(Array.from({ length: 20 }, (_, visit) => purchase(venues[0].key, { memberId, amountCents: 500, occurredAt: hoursAgo(visit / 60) })));
    await advance(memberId, Date.now() + 25 * 3_600_000);
    expect((await memberView(memberId)).tier).toBe("GOLD");

    await advance(memberId, addMonths(enrolledAt, 12).getTime() + 60_000);
    expect((await memberView(memberId)).tier).toBe("GOLD");
    await advance(memberId, addMonths(enrolledAt, 24).getTime() + 60_000);
    expect((await memberView(memberId)).tier).toBe("SILVER");
    await advance(memberId, addMonths(enrolledAt, 36).getTime() + 60_000);
    expect((await memberView(memberId)).tier).toBe("BRONZE");
  });
});
