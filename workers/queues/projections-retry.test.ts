import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { deliver, memberEvent, projectedBalance } from "../../test/projections";
import { deriveMemberId } from "../members/member-id";

const member = (label: string) => deriveMemberId("prg_fixture", { externalRef: label });

describe("the outbox consumer acknowledges each message on its own", () => {
  afterEach(async () => {
    await env.DB.prepare("DROP TRIGGER IF EXISTS refuse_poison").run();
  });

  it("projects the good messages of a batch and retries the one with a malformed body", async () => {
    const [ada, bob] = [member("ada"), member("bob")];
    const malformed = { ...memberEvent(member("mallory"), 1, 10), snapshot: { tier: "BRONZE", available: "lots" } };
    const { ids, result, retried } = await deliver("loyalty-outbox", [memberEvent(ada, 1, 100), malformed, memberEvent(bob, 1, 200)]);

    expect(result.explicitAcks.sort()).toEqual([ids[0], ids[2]].sort());
    expect(retried).toEqual([{ msgId: ids[1], delaySeconds: 5 }]);
    expect(result.ackAll).toBe(false);
    expect(await projectedBalance(ada)).toBe(100);
    expect(await projectedBalance(bob)).toBe(200);
    expect(await projectedBalance(member("mallory"))).toBeNull();
  });

  it("lands the rest of the batch one by one when D1 refuses one event, and retries only that one", async () => {
    const [carol, poison, dave] = [member("carol"), member("poison"), member("dave")];
    // A row D1 refuses although the event is well formed (what a full disk or a bad migration would do).
    await env.DB.prepare(`CREATE TRIGGER refuse_poison BEFORE INSERT ON member_balances WHEN NEW.member_id = '${poison}' BEGIN SELECT RAISE(ABORT, 'refused'); END`).run();
    const { ids, result, retried } = await deliver("loyalty-outbox", [memberEvent(carol, 1, 30), memberEvent(poison, 1, 40), memberEvent(dave, 1, 50)], 3);

    expect(result.explicitAcks.sort()).toEqual([ids[0], ids[2]].sort());
    expect(retried).toEqual([{ msgId: ids[1], delaySeconds: 20 }]);
    expect(await projectedBalance(carol)).toBe(30);
    expect(await projectedBalance(dave)).toBe(50);
    expect(await projectedBalance(poison)).toBeNull();
  });

  it("keeps an event of a newer version for the consumer that understands it, instead of dropping it", async () => {
    const erin = member("erin");
    const { ids, result, retried } = await deliver("loyalty-outbox", [{ ...memberEvent(erin, 1, 70), v: 2 }]);

    expect(result.explicitAcks).toEqual([]);
    expect(result.ackAll).toBe(false);
    expect(retried).toEqual([{ msgId: ids[0], delaySeconds: 5 }]);
    expect(await projectedBalance(erin)).toBeNull();
  });

  it("projects an event of a kind added after this consumer was deployed, since only the version sets its shape", async () => {
    const gina = member("gina");
    const { ids, result } = await deliver("loyalty-outbox", [{ ...memberEvent(gina, 1, 90), kind: "kind_from_the_next_deploy" }]);

    expect(result.explicitAcks).toEqual(ids);
    expect(await projectedBalance(gina)).toBe(90);
  });

  it("retries a body that is not a member event at all, so it ends in the dead-letter queue", async () => {
    const { ids, result, retried } = await deliver("loyalty-outbox", ["not json we sent", null, { hello: "world" }], 10);

    expect(result.explicitAcks).toEqual([]);
    expect(retried).toEqual(ids.map((msgId) => ({ msgId, delaySeconds: 600 })));
  });

  it("waits longer after each failed attempt, up to 10 minutes", async () => {
    const delays = [];
    for (const attempts of [1, 2, 3, 7, 8, 10]) delays.push((await deliver("loyalty-outbox", [{ v: 2, memberId: member("frank") }], attempts)).retried[0].delaySeconds);
    expect(delays).toEqual([5, 10, 20, 320, 600, 600]);
  });
});
