import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { crashNext } from "../../test/crash";
import { advance, afterHoldMs, coalition, createReward, enroll, grant, newKey, purchase, redeem } from "../../test/ledger";
import { type Expected, type LedgerModel, type LedgerRequest, cancel, cloneModel, consume, crashAndLapse, heldBeforeCrash, initialModel, isBound, memberCount, openingGrants, openingPurchase, postAll, rewardSpecs, scopeOf, send, unitsLeft } from "../../test/ledger-model";
import { lapseHolds, stockOf } from "../../test/stock";
import { agrees, type Command, describeRequest, everything, exchange, expectAnswer, maxCommands, numRuns, observe, type Observed, path, type Real, remember, replayPath, seed, sendReal, text, touchedBy, verify } from "../../test/ledger-model-real";

/** A purchase; with `postNow` the member's clock then passes the hold, so its points post at once. */
class PurchaseCommand implements Command {
  constructor(readonly member: number, readonly amountCents: number, readonly postNow: boolean) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    await exchange(model, real, newKey("lm-purchase"), { op: "purchase", member: this.member, amountCents: this.amountCents, occurredAt: new Date().toISOString() });
    if (this.postNow) {
      await advance(real.memberIds[this.member], afterHoldMs());
      postAll(model, this.member);
    }
    await verify(model, real, { members: [this.member], rewards: [] });
  }
  toString = () => `purchase(m${this.member}, ${this.amountCents}¢${this.postNow ? ", posted" : ""})`;
}

class PostCommand implements Command {
  constructor(readonly member: number) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    await advance(real.memberIds[this.member], afterHoldMs());
    postAll(model, this.member);
    await verify(model, real, { members: [this.member], rewards: [] });
  }
  toString = () => `post(m${this.member})`;
}

/** A refund of `percent` of a recent purchase (over 100 %, or cumulatively, it exceeds what is left). */
class RefundCommand implements Command {
  constructor(readonly back: number, readonly percent: number) {}
  check = (model: Readonly<LedgerModel>) => model.purchases.length > 0;
  async run(model: LedgerModel, real: Real) {
    const index = Math.max(0, model.purchases.length - 1 - this.back);
    const request: LedgerRequest = { op: "refund", purchase: index, amountCents: Math.max(1, Math.floor((model.purchases[index].amountCents * this.percent) / 100)) };
    await exchange(model, real, newKey("lm-refund"), request);
    await verify(model, real, touchedBy(model, request));
  }
  toString = () => `refund(${this.back === 0 ? "the last purchase" : `${this.back} purchase(s) before the last`}, ${this.percent}%)`;
}

/** A member brings everything back: each of their purchases is refunded in full (after posting, debt follows spending). */
class RefundAllCommand implements Command {
  constructor(readonly member: number) {}
  check = (model: Readonly<LedgerModel>) => model.purchases.some((candidate) => candidate.member === this.member && candidate.refundedCents < candidate.amountCents);
  async run(model: LedgerModel, real: Real) {
    for (const [index, { member, amountCents, refundedCents }] of model.purchases.entries()) {
      if (member === this.member && refundedCents < amountCents) await exchange(model, real, newKey("lm-refund"), { op: "refund", purchase: index, amountCents: amountCents - refundedCents });
    }
    await verify(model, real, { members: [this.member], rewards: [] });
  }
  toString = () => `refundAll(m${this.member})`;
}

class RedeemCommand implements Command {
  constructor(readonly member: number, readonly reward: number) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    await exchange(model, real, newKey("lm-redeem"), { op: "redeem", member: this.member, reward: this.reward, purchaseCents: null });
    await verify(model, real, { members: [this.member], rewards: [this.reward] });
  }
  toString = () => `redeem(m${this.member}, r${this.reward})`;
}

/** The venue consumes, or cancels, a code the model issued (repeats included). */
class CodeCommand implements Command {
  constructor(readonly action: "consume" | "cancel", readonly pick: number) {}
  check = (model: Readonly<LedgerModel>) => model.redemptions.length > 0;
  async run(model: LedgerModel, real: Real) {
    const index = this.pick % model.redemptions.length;
    const { key, member, reward } = model.redemptions[index];
    const code = real.codes.get(key);
    if (code === undefined) throw new Error(`no code for redemption #${index}`);
    const expected = this.action === "consume" ? consume(model, index) : cancel(model, index);
    const observed = observe(await call("POST", `/v1/redemptions/${code}/${this.action}`, { token: real.venueKey }));
    expectAnswer(observed, expected, `${this.action} of redemption #${index} (${code})`);
    await verify(model, real, { members: [member], rewards: [reward] });
  }
  toString = () => `${this.action}(redemption #${this.pick})`;
}

/** Sends an earlier request again, same key and same body, counting back from the last one. */
class ReplayCommand implements Command {
  constructor(readonly back: number) {}
  check = (model: Readonly<LedgerModel>) => model.sent.length > 0;
  async run(model: LedgerModel, real: Real) {
    const { key, request } = model.sent[model.sent.length - 1 - Math.min(this.back, model.sent.length - 1)];
    await exchange(model, real, key, request);
    await verify(model, real, touchedBy(model, request));
  }
  toString = () => `replay(${this.back === 0 ? "the last request" : `${this.back} before the last`})`;
}

type ReuseAs = "purchase" | "redeem" | "refund";

/** Sends another request (another body, or another operation) under a key that already names one. */
class ReuseKeyCommand implements Command {
  constructor(readonly pick: number, readonly as: ReuseAs, readonly reward: number, readonly amountCents: number) {}
  check = (model: Readonly<LedgerModel>) => model.sent.some(({ key, request }) => isBound(model, key, scopeOf(model, request)));
  async run(model: LedgerModel, real: Real) {
    const bound = model.sent.filter(({ key, request }) => isBound(model, key, scopeOf(model, request)));
    const { key, request: earlier } = bound[this.pick % bound.length];
    const request = this.otherRequest(model, scopeOf(model, earlier), earlier);
    await exchange(model, real, key, request);
    await verify(model, real, touchedBy(model, request));
  }
  private otherRequest(model: Readonly<LedgerModel>, member: number, earlier: LedgerRequest): LedgerRequest {
    const ownPurchase = model.purchases.findIndex((candidate) => candidate.member === member);
    if (this.as === "refund" && ownPurchase >= 0) {
      const sameAmount = earlier.op === "refund" && earlier.amountCents === 1;
      return { op: "refund", purchase: earlier.op === "refund" ? earlier.purchase : ownPurchase, amountCents: sameAmount ? 2 : 1 };
    }
    if (this.as === "redeem") {
      // The same reward under the same key differs by its body: a purchaseCents the first request did not send.
      const reward = earlier.op === "redeem" ? earlier.reward : this.reward;
      return { op: "redeem", member, reward, purchaseCents: earlier.op === "redeem" && earlier.purchaseCents === null ? 0 : null };
    }
    return { op: "purchase", member, amountCents: this.amountCents, occurredAt: new Date().toISOString() };
  }
  toString = () => `reuseKey(of bound request #${this.pick}, as ${this.as}, r${this.reward}, ${this.amountCents}¢)`;
}

type AfterCrash = "retry" | "lapse" | "lapse, then retry";

/**
 * A redemption whose member write crashes after the stock held its unit: 500, nothing changes for
 * the member, and the unit stays held. Then either the client retries at once with the same key
 * (the held unit is still its own), or the hold lapses: the stock's alarm asks the member, which
 * refuses that redemption from then on (409 hold_lapsed), and the unit is released.
 */
class CrashRedeemCommand implements Command {
  constructor(readonly member: number, readonly reward: number, readonly then: AfterCrash) {}
  check = (model: Readonly<LedgerModel>) => (unitsLeft(model, this.reward) ?? 0) > 0 && model.members[this.member].available >= model.rewards[this.reward].pointsCost;
  async run(model: LedgerModel, real: Real) {
    const key = newKey("lm-crash");
    const request = { op: "redeem", member: this.member, reward: this.reward, purchaseCents: null } as const;
    await crashNext(env.MEMBER.getByName(real.memberIds[this.member]), "INSERT INTO redemptions");
    const observed = await sendReal(model, real, key, request);
    expect({ status: observed.status, code: observed.code }, "a redemption that crashed in the member").toEqual({ status: 500, code: "internal_error" });
    const held = await stockOf(real.rewardIds[this.reward], rewardSpecs[this.reward].inventory);
    expect(held.held, `the crashed redemption's unit stays held (${JSON.stringify(held)})`).toBe(1);
    heldBeforeCrash(model, key, request);
    await verify(model, real, { members: [this.member], rewards: [] });
    if (this.then === "retry") {
      await exchange(model, real, key, request);
    } else {
      crashAndLapse(model, key, request);
      await lapseHolds(real.rewardIds[this.reward]);
      expect(await runDurableObjectAlarm(env.REWARD_STOCK.getByName(real.rewardIds[this.reward])), "the stock's alarm is set while a unit is held").toBe(true);
      if (this.then === "lapse, then retry") {
        await verify(model, real, { members: [this.member], rewards: [this.reward] });
        await exchange(model, real, key, request);
      }
    }
    await verify(model, real, { members: [this.member], rewards: [this.reward] });
  }
  toString = () => `crashRedeem(m${this.member}, r${this.reward}, then ${this.then})`;
}

const permutations = (items: readonly number[]): number[][] =>
  items.length <= 1 ? [[...items]] : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));

const answerText = (answer: Observed | Expected) => `${answer.status}${answer.code === null ? "" : ` ${answer.code}`}`;

/** Different members redeem the same stocked reward at once: the answers must be those of SOME serial order. */
class ParallelRedeemCommand implements Command {
  constructor(readonly reward: number, readonly members: readonly number[]) {}
  check = () => true;
  async run(model: LedgerModel, real: Real) {
    const requests = this.members.map((member) => ({ key: newKey("lm-parallel"), request: { op: "redeem", member, reward: this.reward, purchaseCents: null } as const }));
    const observed = await Promise.all(requests.map(({ key, request }) => sendReal(model, real, key, request)));
    const orders = permutations([...requests.keys()]).map((order) => {
      const candidate = cloneModel(model);
      const expected: Expected[] = [];
      for (const index of order) expected[index] = send(candidate, requests[index].key, requests[index].request);
      return { order, candidate, expected };
    });
    const serial = orders.find(({ expected }) => expected.every((answer, index) => agrees(observed[index], answer)));
    const who = (index: number) => `m${this.members[index]}`;
    const seen = observed.map((answer, index) => `${who(index)} ${answerText(answer)}`).join(", ");
    const possible = orders.map(({ order, expected }) => `${order.map(who).join(" then ")}: ${expected.map((answer, index) => `${who(index)} ${answerText(answer)}`).join(", ")}`);
    if (!serial) expect.fail(`parallel redemptions of r${this.reward} answered ${seen}; no serial order gives that:\n${possible.join("\n")}`);
    Object.assign(model, serial.candidate);
    requests.forEach(({ key, request }, index) => remember(model, real, key, request, serial.expected[index], observed[index], `parallel ${describeRequest(request)}`));
    await verify(model, real, { members: this.members, rewards: [this.reward] });
  }
  toString = () => `parallelRedeem(r${this.reward}, ${this.members.map((member) => `m${member}`).join(" ∥ ")})`;
}

/** Member 0 is picked more often, so one member's purchases, refunds and redemptions meet. */
const member = fc.oneof(fc.constant(0), fc.nat(memberCount - 1));
const anyReward = fc.nat(rewardSpecs.length - 1);
const stockedReward = fc.constantFrom(...[...rewardSpecs.keys()].filter((reward) => rewardSpecs[reward].inventory !== null));
const amountCents = fc.integer({ min: 1, max: 30_000 });
const purchaseArbitrary = fc.tuple(member, amountCents, fc.boolean()).map(([who, cents, postNow]): Command => new PurchaseCommand(who, cents, postNow));
const refundArbitrary = fc.tuple(fc.nat(2), fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 110 }))).map(([back, percent]): Command => new RefundCommand(back, percent));
const redeemArbitrary = fc.tuple(member, anyReward).map(([who, reward]): Command => new RedeemCommand(who, reward));

/** Purchases and redemptions weigh more: most other commands need points or records to act on. */
const commandArbitraries: fc.Arbitrary<Command>[] = [
  purchaseArbitrary,
  purchaseArbitrary,
  member.map((who): Command => new PostCommand(who)),
  redeemArbitrary,
  redeemArbitrary,
  refundArbitrary,
  member.map((who): Command => new RefundAllCommand(who)),
  fc.tuple(fc.constantFrom("consume" as const, "cancel" as const), fc.nat()).map(([action, pick]): Command => new CodeCommand(action, pick)),
  fc.nat(3).map((back): Command => new ReplayCommand(back)),
  fc.tuple(fc.nat(), fc.constantFrom<ReuseAs>("purchase", "redeem", "refund"), anyReward, amountCents).map(([pick, as, reward, cents]): Command => new ReuseKeyCommand(pick, as, reward, cents)),
  fc.tuple(member, stockedReward, fc.constantFrom<AfterCrash>("retry", "lapse", "lapse, then retry")).map(([who, reward, then]): Command => new CrashRedeemCommand(who, reward, then)),
  fc.tuple(stockedReward, fc.shuffledSubarray([...Array(memberCount).keys()], { minLength: 2 })).map(([reward, who]): Command => new ParallelRedeemCommand(reward, who)),
];

let runCount = 0;

/**
 * A fresh program per run (storage is per file, not per run): one venue, one tier (×1), no expiry,
 * three rewards, three members with their opening grants, and member 0's opening purchase, posted.
 */
async function setup(): Promise<{ model: LedgerModel; real: Real }> {
  const run = runCount++;
  const { program, venues } = await coalition(1, { tiers: [{ code: "BRONZE", multiplier: 1, qualify: {} }], expiry: { mode: "none" } });
  const venueKey = venues[0].key;
  const rewardIds: string[] = [];
  for (const spec of rewardSpecs) {
    const created = await createReward(program.id, spec);
    if (created.status !== 201) throw new Error(`create reward failed: ${JSON.stringify(created.json)}`);
    rewardIds.push(text(created.json, "id"));
  }
  const memberIds: string[] = [];
  for (const [index, points] of openingGrants.entries()) {
    const memberId = await enroll(venueKey, `ledger-model-${run}-${index}`);
    if (points > 0) await grant(memberId, points);
    memberIds.push(memberId);
  }
  const model = initialModel();
  const real: Real = { venueKey, memberIds, rewardIds, purchaseIds: new Map(), codes: new Map(), firstBodies: new Map() };
  await exchange(model, real, newKey("lm-opening"), { op: "purchase", ...openingPurchase, occurredAt: new Date().toISOString() });
  await advance(memberIds[openingPurchase.member], afterHoldMs());
  postAll(model, openingPurchase.member);
  return { model, real };
}

const parameters: fc.Parameters<[Iterable<Command>]> = {
  numRuns,
  verbose: true,
  ...(seed === undefined ? {} : { seed }),
  ...(path === undefined ? {} : { path }),
};

describe("the purchase and redemption flows against a reference model", () => {
  it(
    "answer every purchase, refund, redemption, code, replay, reused key, crash and parallel batch as the model does, keeping §3 and the stock counts",
    async () => {
      const property = fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands, size: "max", ...(replayPath === undefined ? {} : { replayPath }) }), async (commands) => {
        const start = await setup();
        await fc.asyncModelRun(() => start, commands);
        await verify(start.model, start.real, everything);
      });
      await fc.assert(property, parameters);
    },
    120_000 + numRuns * 3_000,
  );
});
