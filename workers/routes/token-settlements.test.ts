import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { signInByLink } from "../../test/sessions";
import { memberTools, testSettlement, tokensOf, walletMember } from "../../test/token-payouts";

const cutMine = (member: { asMember: ReturnType<typeof memberTools>["asMember"] }, key = newKey("cut")) => member.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": key });

describe("cutting a token payout", () => {
  it("reserves the member's settleable points for the wallet they joined with, and replays the first answer for the same key", async () => {
    const member = await walletMember();
    await member.verify();
    const earned = (await member.quest("q1")) + (await member.quest("q2"));
    const before = await tokensOf(member.memberId);
    expect(before.payoutWallet).toBe(member.wallet.address);
    const key = newKey("cut");
    const cut = await cutMine(member, key);
    expect(cut.status).toBe(201);
    expect(cut.json).toMatchObject({ intentId: `${member.memberId}:1`, points: earned, tokenAmount: (BigInt(earned) * 10n ** 16n).toString(), address: member.wallet.address, status: "reserved", settlementId: null, txHash: null });
    // The join bonus (released at verification) is not a kind the program settles: it stays spendable.
    expect(cut.json.balance).toBe(before.available - earned);
    const replay = await cutMine(member, key);
    expect([replay.status, replay.headers.get("Idempotent-Replayed"), replay.json.intentId]).toEqual([201, "true", cut.json.intentId]);
    const reused = await call("POST", `/v1/members/${member.memberId}/adjustments`, { body: { points: 5, reason: "same key, other request" }, headers: { "Idempotency-Key": key } });
    expect([reused.status, reused.json.error.code]).toEqual([422, "idempotency_key_reused"]);
    expect(await tokensOf(member.memberId)).toMatchObject({ available: before.available - earned, reservedPoints: earned, reservedTokenAmount: cut.json.tokenAmount, settledPoints: 0, settledTokenAmount: "0" });
    const history = await member.asMember("GET", "/v1/me/ledger");
    expect(history.json.entries[0]).toMatchObject({ kind: "settle", delta: -earned, ref: cut.json.intentId, detail: { status: "reserved", tokenAmount: cut.json.tokenAmount } });
    const listed = await member.asMember("GET", "/v1/me/token-settlements");
    expect(listed.json).toEqual({ payouts: [expect.objectContaining({ intentId: cut.json.intentId, status: "reserved" })], nextCursor: null });
  });

  it("refuses with a named reason and the fix: not verified, below the minimum, not offered", async () => {
    const member = await walletMember();
    await member.quest("q1");
    const unverified = await cutMine(member);
    expect([unverified.status, unverified.json.error.code]).toEqual([422, "member_not_verified"]);
    await member.verify();
    const small = await walletMember({ settlement: { minPayoutPoints: 1_000, dailyCeilingPoints: 5_000 } });
    await small.verify();
    await small.quest("q1");
    const below = await cutMine(small);
    expect([below.status, below.json.error.code]).toEqual([422, "below_minimum_payout"]);
    expect(below.json.error.message).toMatch(/a payout needs at least 1000: earn \d+ more/);
    const restaurant = await createProgram("Diner", "restaurant");
    const diner = await call("POST", "/v1/members", { body: { programId: restaurant.id, externalRef: `diner-${crypto.randomUUID()}` } });
    const notOffered = await call("POST", `/v1/members/${diner.json.id}/token-settlements`, { headers: { "Idempotency-Key": newKey() } });
    expect([notOffered.status, notOffered.json.error.code]).toEqual([422, "settlement_not_offered"]);
  });

  it("refuses a member with no pinned wallet, and one whose refunded points left a debt", async () => {
    const program = await createProgram("Tokens", "restaurant", { settlement: { ...testSettlement, kinds: ["purchase", "adjustment"] } });
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `no-wallet-${crypto.randomUUID()}` } });
    const memberId = enrolled.json.id as string;
    const venue = await call("POST", `/v1/programs/${program.id}/venues`, { body: { name: "Grill" } });
    const venueKey = (await call("POST", `/v1/venues/${venue.json.id}/keys`)).json.key as string;
    const purchase = await call("POST", "/v1/purchases", { token: venueKey, body: { memberId, amountCents: 30_000, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    const stub = env.MEMBER.getByName(memberId);
    await stub.processDue(Date.now() + 25 * 3_600_000);
    const noWallet = await call("POST", `/v1/members/${memberId}/token-settlements`, { headers: { "Idempotency-Key": newKey() } });
    expect([noWallet.status, noWallet.json.error.code]).toEqual([422, "no_payout_wallet"]);
    const context = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
    await stub.pinPayoutWallet({ v: memberRpcVersion, program: context, address: "0x1111111111111111111111111111111111111111", by: "operator" });
    const reward = await call("POST", `/v1/programs/${program.id}/rewards`, { body: { name: "Feast", type: "free_item", pointsCost: (await tokensOf(memberId)).available } });
    expect((await call("POST", "/v1/redemptions", { body: { memberId, rewardId: reward.json.id }, headers: { "Idempotency-Key": newKey() } })).status).toBe(201);
    expect((await call("POST", `/v1/purchases/${purchase.json.purchaseId}/refunds`, { token: venueKey, body: { amountCents: 30_000 }, headers: { "Idempotency-Key": newKey() } })).status).toBe(201);
    const inDebt = await call("POST", `/v1/members/${memberId}/token-settlements`, { headers: { "Idempotency-Key": newKey() } });
    expect([inDebt.status, inDebt.json.error.code]).toEqual([422, "points_in_debt"]);
  });

  it("never settles pending points: only posted purchase points of a settling kind", async () => {
    const program = await createProgram("Tokens", "restaurant", { settlement: { ...testSettlement, kinds: ["purchase"] } });
    const venue = await call("POST", `/v1/programs/${program.id}/venues`, { body: { name: "Grill" } });
    const venueKey = (await call("POST", `/v1/venues/${venue.json.id}/keys`)).json.key as string;
    const memberId = (await call("POST", "/v1/members", { token: venueKey, body: { externalRef: `pending-${crypto.randomUUID()}` } })).json.id as string;
    const stub = env.MEMBER.getByName(memberId);
    await call("POST", "/v1/purchases", { token: venueKey, body: { memberId, amountCents: 20_000, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    const laterMs = Date.now() + 25 * 3_600_000;
    await stub.processDue(laterMs);
    const context = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
    await stub.pinPayoutWallet({ v: memberRpcVersion, program: context, address: "0x2222222222222222222222222222222222222222", by: "operator" });
    // A second purchase is still pending when the payout is cut: it does not settle.
    await call("POST", "/v1/purchases", { token: venueKey, body: { memberId, amountCents: 50_000, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    const posted = (await tokensOf(memberId)).available;
    const cut = await stub.cutTokenPayout({ v: memberRpcVersion, idempotencyKey: newKey(), requestHash: "token_payout", program: context, nowMs: Date.now() });
    expect(cut.body).toMatchObject({ points: posted, balance: 0 });
    expect((await call("GET", `/v1/members/${memberId}`)).json.points.pending).toBeGreaterThan(0);
  });

  it("caps the points a member settles per local day, and lets the rest settle the next day", async () => {
    const member = await walletMember({ settlement: { dailyCeilingPoints: 1_000 } });
    await member.verify();
    await call("POST", `/v1/members/${member.memberId}/adjustments`, { body: { points: 1_500, reason: "contest prize" }, headers: { "Idempotency-Key": newKey() } });
    const nowMs = Date.now();
    const first = await member.cutAt(nowMs);
    expect(first.body).toMatchObject({ points: 1_000 });
    const again = await member.cutAt(nowMs + 1_000);
    expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([422, "daily_ceiling_reached"]);
    const tomorrow = await member.cutAt(nowMs + 86_400_000);
    expect(tomorrow.body).toMatchObject({ points: 500, intentId: `${member.memberId}:2` });
  });

  it("lets an operator cut and list a member's payouts, a page at a time", async () => {
    const member = await walletMember();
    await member.verify();
    const nowMs = Date.now();
    for (let day = 0; day < 3; day++) {
      await call("POST", `/v1/members/${member.memberId}/adjustments`, { body: { points: 100, reason: "daily bonus" }, headers: { "Idempotency-Key": newKey() } });
      expect((await member.cutAt(nowMs + day * 86_400_000)).status).toBe(201);
    }
    const first = await call("GET", `/v1/members/${member.memberId}/token-settlements?limit=2`);
    expect(first.json.payouts.map((payout: { intentId: string }) => payout.intentId)).toEqual([`${member.memberId}:3`, `${member.memberId}:2`]);
    const second = await call("GET", `/v1/members/${member.memberId}/token-settlements?limit=2&cursor=${first.json.nextCursor}`);
    expect([second.json.payouts.map((payout: { intentId: string }) => payout.intentId), second.json.nextCursor]).toEqual([[`${member.memberId}:1`], null]);
    const byOperator = await call("POST", `/v1/members/${member.memberId}/token-settlements`, { headers: { "Idempotency-Key": newKey() } });
    expect([byOperator.status, byOperator.json.error.code]).toEqual([422, "below_minimum_payout"]);
    const session = await signInByLink(operatorToken, member.memberId);
    expect((await memberTools(member.memberId, session.cookie, member.context).asMember("GET", "/v1/me/token-settlements")).json.payouts).toHaveLength(3);
  });
});
