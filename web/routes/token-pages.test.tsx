import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SiweMessage } from "siwe";
import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { call } from "../../test/api";
import { appOrigin, fromNewClient } from "../../test/sessions";
import { walletMember } from "../../test/token-payouts";
import { TokenTxPage } from "../pages/token-tx-page";

type Member = Awaited<ReturnType<typeof walletMember>>;

const hashOf = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const formHeaders = (cookie: string, origin = appOrigin) => ({ Cookie: cookie, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" });
const page = (member: Member, path = "/tokens") => call("GET", path, { token: null, headers: { Cookie: member.cookie } });
/** The hidden idempotency key of the payout form on a rendered page. */
const payoutKey = (html: string) => /action="\/tokens\/payouts"><input type="hidden" name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1];
const post = (member: Member, path: string, fields: Record<string, string>, origin = appOrigin) =>
  exports.default.fetch(`https://loyalty.test${path}`, { method: "POST", headers: formHeaders(member.cookie, origin), body: new URLSearchParams(fields).toString(), redirect: "manual" });

/** A verified wallet member with `quests` settleable quest credits (300 points each). */
async function memberWithPoints(quests = 1) {
  const member = await walletMember();
  await member.verify();
  for (let n = 1; n <= quests; n++) await member.quest(`q${n}`);
  return member;
}

async function confirm(member: Member, intentId: string, txHash: string, settlementId = 1) {
  expect(await member.stub.confirmTokenPayout({ v: memberRpcVersion, intentId, settlementId, txHash, atMs: Date.now() })).toEqual({ ok: true, status: "settled" });
}

async function signedMessage(programId: string, wallet: { address: string; signMessage(message: string): Promise<string> }) {
  const nonce = (await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId }, headers: fromNewClient() })).json.nonce;
  const message = new SiweMessage({ domain: "loyalty.test", address: wallet.address, statement: "Link this wallet", uri: appOrigin, version: "1", chainId: 31337, nonce, issuedAt: new Date().toISOString() }).prepareMessage();
  return { message, signature: await wallet.signMessage(message) };
}

/** The settler has the intent in a batch it sent as `hash` and has not seen final yet. */
async function sentBySettler(intentId: string, hash: string) {
  await runInDurableObject(env.CHAIN_SETTLER.getByName("settler"), (_settler, state) => {
    const sql = state.storage.sql;
    const batchId = sql
      .exec<{ batch_id: number }>("INSERT INTO batches (settlement_id, state, recipients, recipient_count, total_amount, nonce, gas_limit, created_at_ms) VALUES (1, 'sent', '[]', 1, '1', 0, 200000, 0) RETURNING batch_id")
      .one().batch_id;
    sql.exec("INSERT INTO attempts (hash, batch_id, settlement_id, nonce, raw, max_fee_per_gas, max_priority_fee_per_gas, created_at_ms, sent_at_ms) VALUES (?, ?, 1, 0, '0x', '1', '1', 0, 0)", hash, batchId);
    sql.exec("INSERT INTO intents (intent_id, member_id, program_id, address, points, token_amount, cut_at_ms, payload, state, batch_id, queued_at_ms) VALUES (?, 'm', 'p', '0x0000000000000000000000000000000000000001', 1, '1', 0, '{}', 'batched', ?, 0) ON CONFLICT (intent_id) DO UPDATE SET state = 'batched', batch_id = excluded.batch_id", intentId, batchId);
  });
}

describe("the tokens page", () => {
  it("links a payout on its way to the transaction it went out in, before it is final", async () => {
    const member = await memberWithPoints();
    const cut = await member.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": "sent-link" });
    expect(cut.status).toBe(201);
    const intentId = cut.json.intentId as string;
    expect((await page(member)).json).toContain("Waiting for the next batch");
    await sentBySettler(intentId, hashOf(77));
    const html = (await page(member)).json as string;
    expect(html).toMatch(new RegExp(`data-testid="payouts-pending".*href="/tokens/tx/${hashOf(77)}"`, "s"));
    const tx = await page(member, `/tokens/tx/${hashOf(77)}`);
    expect(tx.status).toBe(200);
    expect(tx.json).toContain("On its way");
  });

  it("shows what can settle now, and the form turns those points into tokens once however often it is sent", async () => {
    const member = await memberWithPoints();
    const before = await page(member);
    expect(before.status).toBe(200);
    const html = before.json as string;
    expect(html).toContain('href="/tokens"');
    expect(html).toContain("You can turn <strong>300 points</strong> into <strong>3 tokens</strong> now");
    expect(html).toContain("1 point = 0.01 token");
    expect(html).toContain(member.wallet.address);
    const key = payoutKey(html)!;
    expect(key).toBeTruthy();

    const cut = await post(member, "/tokens/payouts", { idempotencyKey: key });
    expect([cut.status, cut.headers.get("Location")]).toEqual([303, "/tokens?notice=payout-cut"]);
    const resent = await post(member, "/tokens/payouts", { idempotencyKey: key });
    expect(resent.status).toBe(303);
    const listed = await member.asMember("GET", "/v1/me/token-settlements");
    expect(listed.json.payouts).toHaveLength(1);
    expect(listed.json.payouts[0]).toMatchObject({ points: 300, status: "reserved" });

    const after = (await page(member, "/tokens?notice=payout-cut")).json as string;
    expect(after).toContain("Done: 300 points are on their way to your wallet as 3 tokens.");
    expect(after).toMatch(/data-testid="payouts-pending".*<strong>3 tokens<\/strong> for 300 points.*Waiting for the next batch/s);
    expect(after).toContain("You have 0 points that can become tokens; a payout needs at least 100 points. Earn 100 points more.");
    expect(payoutKey(after)).toBeUndefined();
  });

  it("lists settled payouts with a link to each transaction, and pending ones still waiting", async () => {
    const member = await memberWithPoints();
    const first = await member.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": crypto.randomUUID() });
    await confirm(member, first.json.intentId, hashOf(0xabc));
    await member.quest("q2");
    const second = await member.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": crypto.randomUUID() });
    expect(second.status).toBe(201);
    const html = (await page(member)).json as string;
    expect(html).toMatch(new RegExp(`data-testid="payouts-settled".*<strong>3 tokens</strong> for 300 points.*href="/tokens/tx/${hashOf(0xabc)}"`, "s"));
    expect(html).toMatch(/On their way to your wallet \(1\)/);
    expect(html).toMatch(/Tokens received \(1\)/);
  });

  it("shows a refusal in words: an unverified member is told how to qualify", async () => {
    const member = await walletMember();
    await member.quest("q1");
    const html = (await page(member)).json as string;
    expect(html).toContain("Only verified members turn points into tokens. Take part in an AMA, a live event or a chat first.");
    const forced = await post(member, "/tokens/payouts", { idempotencyKey: crypto.randomUUID() });
    expect(forced.status).toBe(422);
    expect(await forced.text()).toContain("Only verified members turn points into tokens.");
    expect((await member.asMember("GET", "/v1/me/token-settlements")).json.payouts).toEqual([]);
  });

  it("refuses a form posted from another site, and sends a visitor without a session to sign in", async () => {
    const member = await memberWithPoints();
    const crossSite = await post(member, "/tokens/payouts", { idempotencyKey: crypto.randomUUID() }, "https://evil.example");
    expect(crossSite.status).toBe(403);
    expect((await member.asMember("GET", "/v1/me/token-settlements")).json.payouts).toEqual([]);
    const visitor = await call("GET", "/tokens", { token: null });
    expect([visitor.status, visitor.headers.get("Location")]).toEqual([303, "/sign-in"]);
  });

  it("relinks the payout wallet to another linked wallet after the cooling-off period, and cancels the change", async () => {
    const member = await memberWithPoints();
    const second = Wallet.createRandom();
    expect((await member.asMember("POST", "/v1/me/wallets", await signedMessage(member.program.id, second))).status).toBe(201);
    expect((await page(member)).json).toContain(`<option value="${second.address}"`);
    const relink = await post(member, "/tokens/payout-wallet", { address: second.address });
    expect([relink.status, relink.headers.get("Location")]).toEqual([303, "/tokens?notice=relink_requested"]);
    const pending = (await page(member, "/tokens?notice=relink_requested")).json as string;
    expect(pending).toMatch(new RegExp(`data-testid="pending-relink">.*tokens go to <span class="hex">${second.address}</span> instead`, "s"));
    expect(pending).toContain("Cancel the change");
    const stranger = await post(member, "/tokens/payout-wallet", { address: Wallet.createRandom().address });
    expect(stranger.status).toBe(422);
    expect(await stranger.text()).toContain("That wallet is not linked to you.");
    const cancelled = await post(member, "/tokens/payout-wallet/cancel", {});
    expect([cancelled.status, cancelled.headers.get("Location")]).toEqual([303, "/tokens?notice=relink_cancelled"]);
    const after = (await page(member)).json as string;
    expect(after).not.toContain('data-testid="pending-relink"');
    expect(after).toContain(`Tokens go to <span class="hex">${member.wallet.address}</span>`);
  });
});

describe("a transaction's page", () => {
  it("links the deployment's block explorer when CHAIN_EXPLORER_URL names one", async () => {
    const program = { id: "prg_1", name: "Nebula DAO", currency: "USD", timezone: "UTC" };
    const payout = { intentId: "mbr_1:1", points: 150, tokenAmount: "1500000000000000000", address: "0x70997970C51812dc3A010C7d01b50e0aea1f79C8", status: "settled" as const, txHash: hashOf(1), cutAt: "2026-12-04T10:00:00.000Z", settledAt: "2026-12-04T10:01:00.000Z", returnedAt: null };
    const html = String(<TokenTxPage program={program} community timezone="UTC" hash={hashOf(1)} payouts={[payout]} explorerUrl={`https://basescan.org/tx/${hashOf(1)}`} />);
    expect(html).toContain(`<a href="https://basescan.org/tx/${hashOf(1)}" rel="noopener noreferrer" data-testid="explorer-link">View on the block explorer</a>`);
    expect(html).toContain("This transaction sent you <strong>1.5 tokens</strong>.");
  });

  it("shows the member's payouts settled by that transaction, and never another member's", async () => {
    const alice = await memberWithPoints();
    const bob = await memberWithPoints(2);
    const aliceCut = await alice.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": crypto.randomUUID() });
    const bobCut = await bob.asMember("POST", "/v1/me/token-settlements", undefined, { "Idempotency-Key": crypto.randomUUID() });
    const shared = hashOf(0xfeed);
    await confirm(alice, aliceCut.json.intentId, shared, 7);
    await confirm(bob, bobCut.json.intentId, shared, 7);

    const mine = await page(alice, `/tokens/tx/${shared}`);
    expect(mine.status).toBe(200);
    expect(mine.json).toContain("This transaction sent you <strong>3 tokens</strong>.");
    expect(mine.json).not.toContain("6 tokens");
    // CHAIN_EXPLORER_URL is empty in tests: no explorer link.
    expect(mine.json).not.toContain("View on the block explorer");
    expect((await page(bob, `/tokens/tx/${shared}`)).json).toContain("This transaction sent you <strong>6 tokens</strong>.");

    const notMine = await page(alice, `/tokens/tx/${hashOf(0xdead)}`);
    expect(notMine.status).toBe(404);
    expect(notMine.json).toContain("None of your payouts was sent in this transaction.");
    expect((await page(alice, "/tokens/tx/not-a-hash")).status).toBe(404);
  });
});
