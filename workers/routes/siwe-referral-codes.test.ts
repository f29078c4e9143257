import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { call, createProgram } from "../../test/api";
import { memberView } from "../../test/ledger";
import { appOrigin, fromNewClient, sessionCookieOf } from "../../test/sessions";

/** What a sign-in needs of a wallet (ethers' random wallets are HD wallets, not `Wallet`). */
type WalletSigner = { address: string; signMessage(message: string): Promise<string> };

async function signedSignIn(programId: string, wallet: WalletSigner) {
  const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId, address: wallet.address }, headers: fromNewClient() });
  return { message: issued.json.message as string, signature: await wallet.signMessage(issued.json.message) };
}

const verify = (body: { message: string; signature: string; referralCode?: string }) => call("POST", "/v1/auth/siwe/verify", { token: null, body, headers: fromNewClient() });

describe("a referral code sent with a wallet sign-in", () => {
  it("signs a wallet with a mistyped code in without a referral, and says so", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const signedIn = await verify({ ...(await signedSignIn(program.id, wallet)), referralCode: "NOSUCHCODE" });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.referral).toEqual({ status: "unknown_referral_code", message: "That referral code was not found; you joined without a referral" });
    expect((await memberView(signedIn.json.member.id)).referredBy).toBeNull();
  });

  it("records a known code when the wallet joins, and tells a returning member it no longer counts", async () => {
    const program = await createProgram("Nebula", "community");
    const referrer = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `ref-${crypto.randomUUID()}` } });
    const wallet = Wallet.createRandom();
    const joined = await verify({ ...(await signedSignIn(program.id, wallet)), referralCode: referrer.json.referralCode.toLowerCase() });
    expect([joined.status, joined.json.referral?.status]).toEqual([200, "recorded"]);
    expect((await memberView(joined.json.member.id)).referredBy).toBe(referrer.json.id);
    const again = await verify({ ...(await signedSignIn(program.id, wallet)), referralCode: referrer.json.referralCode });
    expect([again.status, again.json.referral?.status, again.json.member.id]).toEqual([200, "already_member", joined.json.member.id]);
    const plain = await verify(await signedSignIn(program.id, wallet));
    expect(plain.json.referral).toBeUndefined();
  });

  it("refuses a self-referral before the nonce is used, so the same signed message signs in without the code", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const first = await verify(await signedSignIn(program.id, wallet));
    const own = first.json.member.referralCode as string;
    // The wallet leaves its member, then comes back with its member's own code.
    const cookie = sessionCookieOf(first.headers.get("Set-Cookie") ?? "")!;
    expect((await call("DELETE", `/v1/me/wallets/${wallet.address}`, { token: null, headers: { Cookie: cookie, Origin: appOrigin } })).status).toBe(204);
    const signed = await signedSignIn(program.id, wallet);
    const refused = await verify({ ...signed, referralCode: own });
    expect([refused.status, refused.json.error.code]).toEqual([422, "self_referral"]);
    const retried = await verify(signed);
    expect([retried.status, retried.json.member.id]).toEqual([200, first.json.member.id]);
  });
});
