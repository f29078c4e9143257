import { describe, expect, it } from "vitest";
import { dateTime, money, points } from "./formatting";
import { entryAmount, entryInWords } from "./ledger-words";
import { progressLine, tierRequirement } from "./tier-progress";

const names = { venue: (id: string | null) => (id === "ven_1" ? "Harbor Grill" : "another venue"), reward: () => "Free dessert", currency: "USD" };

describe("page words", () => {
  it("writes points, money and times in the given time zone", () => {
    expect([points(1), points(1500), money(50000, "USD"), money(1250, "USD")]).toEqual(["1 point", "1,500 points", "$500", "$12.50"]);
    expect(dateTime("2026-11-28T13:05:00Z", "Europe/Berlin")).toBe("Sat 28 Nov, 14:05");
    expect(dateTime("2026-11-28T13:05:00Z", "America/New_York")).toBe("Sat 28 Nov, 08:05");
  });

  it("says the next tier's requirement and each metric's progress", () => {
    const progress = [
      { tier: "SILVER", metric: "visits" as const, current: 3, required: 5, remaining: 2 },
      { tier: "SILVER", metric: "lifetimeSpendCents" as const, current: 12000, required: 50000, remaining: 38000 },
      { tier: "SILVER", metric: "lifetimePoints" as const, current: 40, required: 500, remaining: 460 },
    ];
    expect(tierRequirement(progress, "USD")).toBe("5 visits or $500 or 500 points");
    expect(progress.map((line) => progressLine(line, "USD"))).toEqual(["3 of 5 visits", "$120 of $500 spent", "40 of 500 points"]);
  });

  it("gives every ledger entry a reason in words", () => {
    const entry = (kind: Parameters<typeof entryInWords>[0]["kind"], delta: number, pendingDelta: number, detail: Record<string, string | number> = {}) => ({ kind, delta, pendingDelta, venueId: "ven_1", detail });
    expect(entryInWords(entry("earn", 0, 120, { amountCents: 4000 }), names)).toBe("$40 purchase at Harbor Grill: 120 points pending");
    expect(entryInWords(entry("post", 120, -120, { points: 120, repaidDebt: 0 }), names)).toBe("Points from your visit at Harbor Grill posted");
    expect(entryInWords(entry("redeem", -300, 0, { rewardId: "rwd_1" }), names)).toBe("Redeemed Free dessert");
    expect(entryInWords(entry("expire", -50, 0), names)).toBe("50 points expired");
    expect(entryInWords(entry("refund", 0, -120), names)).toBe("Purchase at Harbor Grill refunded before its points posted");
    expect(entryInWords({ ...entry("adjust", 500, 0, { reason: "Welcome gift" }), venueId: null }, names)).toBe("Points added by the program: Welcome gift");
    expect(entryInWords({ ...entry("adjust", 300, 0, { reason: "redemption cancelled" }), venueId: null }, names)).toBe("Redemption cancelled: points returned");
    expect(entryInWords({ ...entry("settle", -400, 0, { status: "reserved" }), venueId: null }, names)).toBe("400 points reserved to become tokens");
    expect(entryInWords({ ...entry("settle", 0, 0, { status: "settled", txHash: "0xabcdef0123456789" }), venueId: null }, names)).toBe("Tokens arrived in your wallet (transaction 0xabcdef01…)");
    expect(entryInWords({ ...entry("settle", 400, 0, { status: "returned" }), venueId: null }, names)).toBe("Token payout not sent: 400 points returned");
    const action = (delta: number, pendingDelta: number, detail: Record<string, string | boolean>) => ({ kind: "action" as const, delta, pendingDelta, venueId: null, detail });
    expect(entryInWords(action(0, 100, { kind: "join", held: true }), names)).toBe("Joined the community (held until you take part)");
    expect(entryInWords(action(100, -100, { kind: "join", released: true }), names)).toBe("Joined the community: unlocked");
    expect(entryInWords(action(-100, 0, { kind: "referral", reversed: true }), names)).toBe("A friend you referred joined: reversed (their purchase was refunded)");
    expect(entryAmount(entry("earn", 0, 120))).toEqual({ text: "+120", pending: true });
    expect(entryAmount(entry("redeem", -300, 0))).toEqual({ text: "−300", pending: false });
  });
});

describe("gate words", () => {
  it("says what is missing in words a member can act on", async () => {
    const { missingInWords, gateName } = await import("./gate-words");
    const { presets } = await import("../../domain/programs/presets");
    const tiers = presets.community.tiers;
    expect(missingInWords({ leaf: "tierAtLeast", required: "GOLD", current: "SILVER" }, tiers, 750)).toBe("reach GOLD: 1,250 points to go");
    expect(missingInWords({ leaf: "walletLinked", required: true, current: false }, tiers, 0)).toBe("link a wallet");
    expect(missingInWords({ leaf: "streakDaysAtLeast", required: 7, current: 1 }, tiers, 0)).toBe("keep a 7-day streak (yours is 1 day)");
    expect([gateName("channel:alpha-signals"), gateName("vote")]).toEqual(["#alpha-signals", "Vote in governance"]);
  });
});
