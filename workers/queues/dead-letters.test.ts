import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { crossVenueRedemption, deliver, loseSettlements, projectedBalance, settlementPairs } from "../../test/projections";
import { deriveMemberId } from "../members/member-id";

describe("a dropped settlement event heals from the dead-letter queue", () => {
  afterEach(async () => {
    await env.DB.prepare("DROP TRIGGER IF EXISTS refuse_rebuild").run();
  });

  it("reports the cross-venue redemption again once its dead-lettered event is consumed", async () => {
    const { programId, redeemedEvent, pairs } = await crossVenueRedemption("dlq-heal");
    expect(pairs).toMatchObject([{ redemptions: 1, points: 150 }]);

    await loseSettlements(programId);
    expect(await settlementPairs(programId)).toEqual([]);

    const { ids, result } = await deliver("loyalty-outbox-dlq", [redeemedEvent], 11);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await settlementPairs(programId)).toEqual(pairs);
  });

  it("rebuilds from the actor even when the dead letter is of a version this code does not read", async () => {
    const { programId, memberId, pairs } = await crossVenueRedemption("dlq-newer");
    await loseSettlements(programId);

    const { ids, result } = await deliver("loyalty-outbox-dlq", [{ v: 2, memberId, somethingNew: true }]);
    expect(result.explicitAcks).toEqual(ids);
    expect(await settlementPairs(programId)).toEqual(pairs);
  });

  it("retries a dead letter whose rebuild fails, and heals when it is delivered again", async () => {
    const { programId, memberId, redeemedEvent, pairs } = await crossVenueRedemption("dlq-retry");
    await loseSettlements(programId);
    await env.DB.prepare(`CREATE TRIGGER refuse_rebuild BEFORE INSERT ON settlements WHEN NEW.program_id = '${programId}' BEGIN SELECT RAISE(ABORT, 'refused'); END`).run();

    const first = await deliver("loyalty-outbox-dlq", [redeemedEvent], 2);
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.retried).toEqual([{ msgId: first.ids[0], delaySeconds: 10 }]);
    expect(await settlementPairs(programId)).toEqual([]);

    await env.DB.prepare("DROP TRIGGER refuse_rebuild").run();
    const second = await deliver("loyalty-outbox-dlq", [redeemedEvent], 3);
    expect(second.result.explicitAcks).toEqual(second.ids);
    expect(await settlementPairs(programId)).toEqual(pairs);
    expect(await projectedBalance(memberId)).toBe(redeemedEvent.snapshot.available);
  });

  it("drops dead letters that name no member we know, rather than retrying them forever", async () => {
    const stranger = deriveMemberId("prg_nowhere", { externalRef: "nobody" });
    const { ids, result } = await deliver("loyalty-outbox-dlq", ["garbage", { memberId: "not-a-member-id" }, { v: 1, memberId: stranger }]);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(await projectedBalance(stranger)).toBeNull();
  });
});
