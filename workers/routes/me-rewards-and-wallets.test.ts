import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, createReward, enroll, grant, newKey } from "../../test/ledger";
import { appOrigin, fromNewClient, signInByLink } from "../../test/sessions";

const origin = appOrigin;
const sessionFor = async (venueKey: string, memberId: string) => (await signInByLink(venueKey, memberId)).cookie;

async function signedMessage(programId: string, wallet: { address: string; signMessage(message: string): Promise<string> }) {
  const nonce = (await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId }, headers: fromNewClient() })).json.nonce;
  const message = new SiweMessage({ domain: "loyalty.test", address: wallet.address, statement: "Link this wallet", uri: origin, version: "1", chainId: 31337, nonce, issuedAt: new Date().toISOString() }).prepareMessage();
  return { message, signature: await wallet.signMessage(message) };
}

const asMember = (cookie: string, method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
  call(method, path, { token: null, body, headers: { Cookie: cookie, Origin: origin, ...fromNewClient(), ...headers } });

describe("the signed-in member's rewards and redemptions", () => {
  it("shows the catalog with eligibility and redeems with a code, only in the member's own program", async () => {
    const { program, venues } = await coalition();
    const other = await coalition();
    const memberId = await enroll(venues[0].key, `me-redeem-${Date.now()}`);
    await grant(memberId, 120);
    const coffee = await createReward(program.id, { name: "Coffee", pointsCost: 100 });
    await createReward(program.id, { name: "Dinner", pointsCost: 900 });
    const foreign = await createReward(other.program.id, { pointsCost: 10 });
    const cookie = await sessionFor(venues[0].key, memberId);
    const catalog = await asMember(cookie, "GET", "/v1/me/rewards");
    expect(catalog.json.rewards.map((entry: { reward: { name: string }; eligible: boolean; reason: { code: string } | null }) => [entry.reward.name, entry.eligible, entry.reason?.code ?? null])).toEqual([
      ["Coffee", true, null],
      ["Dinner", false, "insufficient_points"],
    ]);
    const key = newKey("me");
    const redeemed = await asMember(cookie, "POST", "/v1/me/redemptions", { rewardId: coffee.json.id }, { "Idempotency-Key": key });
    expect(redeemed.status).toBe(201);
    expect(redeemed.json).toMatchObject({ memberId, status: "issued", pointsSpent: 100, balance: 20 });
    expect(redeemed.json.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const replay = await asMember(cookie, "POST", "/v1/me/redemptions", { rewardId: coffee.json.id }, { "Idempotency-Key": key });
    expect([replay.status, replay.headers.get("Idempotent-Replayed"), replay.json.code]).toEqual([201, "true", redeemed.json.code]);
    const elsewhere = await asMember(cookie, "POST", "/v1/me/redemptions", { rewardId: foreign.json.id }, { "Idempotency-Key": newKey() });
    expect([elsewhere.status, elsewhere.json.error.code]).toEqual([404, "reward_not_found"]);
    const forged = await asMember(cookie, "POST", "/v1/me/redemptions", { rewardId: coffee.json.id }, { "Idempotency-Key": newKey(), Origin: "https://evil.example" });
    expect(forged.json.error.code).toBe("cross_origin_refused");
    const consumed = await call("POST", `/v1/redemptions/${redeemed.json.code}/consume`, { token: venues[0].key });
    expect(consumed.json.status).toBe("consumed");
  });
});

describe("wallet linking", () => {
  it("links a wallet by a message it signed, signs in with it as the same member, and keeps it to one member", async () => {
    const { program, venues } = await coalition();
    const ada = await enroll(venues[0].key, `ada-${Date.now()}`);
    const bob = await enroll(venues[0].key, `bob-${Date.now()}`);
    const wallet = Wallet.createRandom();
    const adaCookie = await sessionFor(venues[0].key, ada);
    const linked = await asMember(adaCookie, "POST", "/v1/me/wallets", await signedMessage(program.id, wallet));
    expect([linked.status, linked.json.address]).toEqual([201, wallet.address]);
    expect((await asMember(adaCookie, "GET", "/v1/me/wallets")).json.wallets.map((entry: { address: string }) => entry.address)).toEqual([wallet.address]);
    const signIn = await signedMessage(program.id, wallet);
    const signedIn = await call("POST", "/v1/auth/siwe/verify", { token: null, body: signIn, headers: fromNewClient() });
    expect(signedIn.json.member.id).toBe(ada);
    const bobCookie = await sessionFor(venues[0].key, bob);
    const taken = await asMember(bobCookie, "POST", "/v1/me/wallets", await signedMessage(program.id, wallet));
    expect([taken.status, taken.json.error.code]).toEqual([409, "wallet_linked_elsewhere"]);
    const notMine = await asMember(adaCookie, "POST", "/v1/me/wallets", await signedMessage(program.id, Wallet.createRandom()).then((signed) => ({ ...signed, signature: signed.signature.replace(/.$/, (last) => (last === "0" ? "1" : "0")) })));
    expect(notMine.status).toBe(401);
    expect((await asMember(bobCookie, "DELETE", `/v1/me/wallets/${wallet.address}`)).status).toBe(404);
    expect((await asMember(adaCookie, "DELETE", `/v1/me/wallets/${wallet.address}`)).status).toBe(204);
    expect((await asMember(bobCookie, "POST", "/v1/me/wallets", await signedMessage(program.id, wallet))).status).toBe(201);
  });
});
