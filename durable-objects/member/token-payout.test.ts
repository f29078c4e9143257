import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { call, createProgram } from "../../test/api";
import { newKey } from "../../test/ledger";
import { testSettlement, tokensOf, walletMember } from "../../test/token-payouts";
import { PayoutIntentSchema } from "../../domain/token-settlement/payout-intent";
import { CountedSql } from "./counted-sql";
import { LedgerStore } from "./ledger-store";
import { deliverPayoutIntents, nextPayoutDeliveryMs } from "./payout-outbox";
import { readProfile } from "./profile-store";
import { memberRpcVersion } from "./rpc-types";
import { cutTokenPayout } from "./token-payout";
import { WriteContext } from "./write-context";

const v = memberRpcVersion;
const txHash = `0x${"ab".repeat(32)}`;

async function reservedMember(overrides: Parameters<typeof walletMember>[0] = {}) {
  const member = await walletMember(overrides);
  await member.verify();
  await member.quest("q1");
  const nowMs = Date.now();
  const cut = await member.cutAt(nowMs);
  if (cut.status !== 201) throw new Error(JSON.stringify(cut.body));
  return { ...member, nowMs, payout: cut.body as { intentId: string; points: number; tokenAmount: string } };
}

describe("settling a payout", () => {
  it("marks a reserved payout settled once, with its settlement and transaction, and shows the tokens", async () => {
    const member = await reservedMember();
    const { intentId, points, tokenAmount } = member.payout;
    const confirm = { v, intentId, settlementId: 7, txHash, atMs: member.nowMs + 60_000 };
    expect(await member.stub.confirmTokenPayout(confirm)).toEqual({ ok: true, status: "settled" });
    expect(await member.stub.confirmTokenPayout(confirm)).toEqual({ ok: true, status: "settled" });
    expect(await tokensOf(member.memberId)).toMatchObject({ reservedPoints: 0, settledPoints: points, reservedTokenAmount: "0", settledTokenAmount: tokenAmount });
    expect(await member.stub.tokenPayoutLedger()).toEqual({ memberId: member.memberId, reservedTokenAmount: "0", settledTokenAmount: tokenAmount, reserved: [] });
    const listed = await member.asMember("GET", "/v1/me/token-settlements");
    expect(listed.json.payouts[0]).toMatchObject({ intentId, status: "settled", settlementId: 7, txHash, settledAt: new Date(member.nowMs + 60_000).toISOString(), returnedAt: null });
    const history = await member.asMember("GET", "/v1/me/ledger");
    expect(history.json.entries[0]).toMatchObject({ kind: "settle", delta: 0, detail: { status: "settled", txHash, settlementId: 7 } });
    expect(await member.stub.returnTokenPayout({ v, intentId, reason: "late abandon", atMs: Date.now() })).toEqual({ ok: false, code: "already_settled" });
  });

  it("returns an abandoned payout's points once, which can then settle again, and never settles a returned payout", async () => {
    const member = await reservedMember();
    const { intentId, points } = member.payout;
    const before = await tokensOf(member.memberId);
    expect(await member.stub.tokenPayoutLedger()).toMatchObject({ reservedTokenAmount: member.payout.tokenAmount, reserved: [{ intentId, tokenAmount: member.payout.tokenAmount }] });
    const abandon = { v, intentId, reason: "batch abandoned", atMs: member.nowMs + 1_000 };
    expect(await member.stub.returnTokenPayout(abandon)).toEqual({ ok: true, status: "returned" });
    expect(await member.stub.returnTokenPayout(abandon)).toEqual({ ok: true, status: "returned" });
    expect(await tokensOf(member.memberId)).toMatchObject({ available: before.available + points, reservedPoints: 0, settledPoints: 0, reservedTokenAmount: "0" });
    expect(await member.stub.confirmTokenPayout({ v, intentId, settlementId: 8, txHash, atMs: Date.now() })).toEqual({ ok: false, code: "already_returned" });
    const history = await member.asMember("GET", "/v1/me/ledger");
    expect(history.json.entries[0]).toMatchObject({ kind: "settle", delta: points, ref: intentId, detail: { status: "returned", reason: "batch abandoned" } });
    // The returned points keep their kind: they settle again in a new payout (a returned one does not count toward the day).
    expect((await member.cutAt(member.nowMs + 2_000)).body).toMatchObject({ points, intentId: `${member.memberId}:2` });
  });

  it("repays a debt that arose while the payout was reserved before any returned point is spendable", async () => {
    const program = await createProgram("Tokens", "restaurant", { settlement: { ...testSettlement, kinds: ["purchase"] } });
    const venue = await call("POST", `/v1/programs/${program.id}/venues`, { body: { name: "Grill" } });
    const venueKey = (await call("POST", `/v1/venues/${venue.json.id}/keys`)).json.key as string;
    const memberId = (await call("POST", "/v1/members", { token: venueKey, body: { externalRef: `debt-${crypto.randomUUID()}` } })).json.id as string;
    const stub = env.MEMBER.getByName(memberId);
    const context = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
    const first = await call("POST", "/v1/purchases", { token: venueKey, body: { memberId, amountCents: 20_000, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    await call("POST", "/v1/purchases", { token: venueKey, body: { memberId, amountCents: 10_000, occurredAt: new Date().toISOString() }, headers: { "Idempotency-Key": newKey() } });
    await stub.processDue(Date.now() + 25 * 3_600_000);
    await stub.pinPayoutWallet({ v, program: context, address: "0x3333333333333333333333333333333333333333", by: "operator" });
    const cut = await stub.cutTokenPayout({ v, idempotencyKey: newKey(), requestHash: "token_payout", program: context });
    const { intentId, points } = cut.body as { intentId: string; points: number };
    // Everything is reserved, so a refund of the first purchase cannot take its points back: it becomes debt.
    await call("POST", `/v1/purchases/${first.json.purchaseId}/refunds`, { token: venueKey, body: { amountCents: 20_000 }, headers: { "Idempotency-Key": newKey() } });
    const debt = (await call("GET", `/v1/members/${memberId}`)).json.points.debt as number;
    expect(debt).toBeGreaterThan(0);
    expect(await stub.returnTokenPayout({ v, intentId, reason: "abandoned", atMs: Date.now() })).toEqual({ ok: true, status: "returned" });
    const after = (await call("GET", `/v1/members/${memberId}`)).json;
    expect([after.points.debt, after.points.available, after.tokens.reservedPoints]).toEqual([0, points - debt, 0]);
  });

  it("settles points that came back from a cancelled redemption, which keep the kind that earned them", async () => {
    const member = await walletMember();
    await member.verify();
    const earned = await member.quest("q1");
    const reward = await call("POST", `/v1/programs/${member.program.id}/rewards`, { body: { name: "Mug", type: "free_item", pointsCost: (await tokensOf(member.memberId)).available } });
    const redeemed = await call("POST", "/v1/redemptions", { body: { memberId: member.memberId, rewardId: reward.json.id }, headers: { "Idempotency-Key": newKey() } });
    expect((await call("POST", `/v1/redemptions/${redeemed.json.code}/cancel`)).status).toBe(200);
    expect((await member.cutAt(Date.now())).body).toMatchObject({ points: earned });
  });

  it("answers unknown_intent for an intent the member never cut", async () => {
    const member = await walletMember();
    expect(await member.stub.confirmTokenPayout({ v, intentId: `${member.memberId}:99`, settlementId: 1, txHash, atMs: 0 })).toEqual({ ok: false, code: "unknown_intent" });
    expect(await member.stub.returnTokenPayout({ v, intentId: `${member.memberId}:99`, reason: "x", atMs: 0 })).toEqual({ ok: false, code: "unknown_intent" });
  });

  it("returns points whose expiry passed meanwhile as a redemption cancel does: back with their expiry, then expired", async () => {
    const member = await reservedMember({ expiry: { mode: "after_earning", months: 1, warningDays: 2, lowestTierOnly: false } });
    const { intentId, points } = member.payout;
    const before = await tokensOf(member.memberId);
    const lateMs = member.nowMs + 40 * 86_400_000;
    await member.stub.processDue(lateMs);
    expect(await member.stub.returnTokenPayout({ v, intentId, reason: "abandoned", atMs: lateMs })).toEqual({ ok: true, status: "returned" });
    await member.stub.processDue(lateMs + 1_000);
    const lots = await member.rows<{ kind: string; remaining: number; expires_at_ms: number }>(`SELECT kind, remaining, expires_at_ms FROM lots WHERE source = 'payout_return:${intentId}'`);
    expect(lots).toEqual([{ kind: "quest", remaining: 0, expires_at_ms: expect.any(Number) }]);
    expect(lots[0].expires_at_ms).toBeLessThan(lateMs);
    const history = await member.asMember("GET", "/v1/me/ledger");
    expect(history.json.entries.slice(0, 2).map((entry: { kind: string; delta: number }) => [entry.kind, entry.delta])).toEqual([
      ["expire", -points],
      ["settle", points],
    ]);
    expect(before.reservedPoints).toBe(points);
  });
});

describe("delivering payout intents", () => {
  it("sends the intent to the settlement Queue after the cut and empties the payout outbox, with the alarm set as a fallback", async () => {
    const member = await reservedMember();
    const alarmAtMs = await runInDurableObject(member.stub, (_instance, state) => state.storage.getAlarm());
    expect(alarmAtMs).not.toBeNull();
    expect(alarmAtMs!).toBeLessThanOrEqual(member.nowMs + 5_000);
    await vi.waitUntil(async () => (await member.rows("SELECT intent_id FROM payout_outbox")).length === 0, { timeout: 5_000 });
  });

  it("keeps an intent the Queue refused and retries it with backoff, at most 100 a send", async () => {
    const member = await walletMember();
    await member.verify();
    const nowMs = Date.now();
    await runInDurableObject(member.stub, async (_instance, state) => {
      const store = new LedgerStore(new CountedSql(state.storage.sql));
      for (let n = 0; n < 150; n++) store.db.run("INSERT INTO payout_outbox (intent_id, payload, next_at_ms) VALUES (?, ?, ?)", `${member.memberId}:t${n}`, JSON.stringify({ n }), nowMs);
      const down = { sendBatch: async () => Promise.reject(new Error("queue unavailable")) } as unknown as Queue;
      await expect(deliverPayoutIntents(store, down, nowMs)).rejects.toThrow("queue unavailable");
      expect(store.db.one<{ n: number }>("SELECT COUNT(*) AS n FROM payout_outbox")!.n).toBe(150);
      expect(nextPayoutDeliveryMs(store)).toBe(nowMs);
      const waiting = store.db.one<{ at: number }>("SELECT MAX(next_at_ms) AS at FROM payout_outbox")!.at;
      expect(waiting).toBeGreaterThan(nowMs);
      const sent: number[] = [];
      const up = { sendBatch: async (messages: unknown[]) => void sent.push(messages.length) } as unknown as Queue;
      expect(await deliverPayoutIntents(store, up, nowMs)).toBe(50);
      expect(await deliverPayoutIntents(store, up, waiting)).toBe(100);
      expect(sent).toEqual([50, 100]);
      expect(nextPayoutDeliveryMs(store)).toBeNull();
    });
  });

  it("withdraws an intent not yet sent when its payout is returned", async () => {
    const member = await walletMember();
    await member.verify();
    await member.quest("q1");
    // The rule's write alone, without the actor's delivery after the commit: the intent waits in the outbox.
    const intentId = await runInDurableObject(member.stub, async (_instance, state) => {
      const db = new CountedSql(state.storage.sql);
      const ctx = new WriteContext(new LedgerStore(db), readProfile(db)!, member.context.config, Date.now());
      const reply = state.storage.transactionSync(() => cutTokenPayout(ctx));
      return (reply.body as { intentId: string }).intentId;
    });
    const [waiting] = await member.rows<{ payload: string }>(`SELECT payload FROM payout_outbox WHERE intent_id = '${intentId}'`);
    // What the settlement Queue's consumer receives: the agreed intent, to the pinned wallet.
    expect(PayoutIntentSchema.parse(JSON.parse(waiting.payload))).toMatchObject({ v: 1, intentId, memberId: member.memberId, programId: member.program.id, address: member.wallet.address });
    await member.stub.returnTokenPayout({ v, intentId, reason: "cancelled before sending", atMs: Date.now() });
    expect(await member.rows(`SELECT intent_id FROM payout_outbox WHERE intent_id = '${intentId}'`)).toEqual([]);
    expect((await call("GET", `/v1/members/${member.memberId}`)).json.tokens.reservedPoints).toBe(0);
  });
});
