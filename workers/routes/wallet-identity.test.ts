import { env } from "cloudflare:workers";
import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { call, createProgram, createVenue, issueVenueKey } from "../../test/api";
import { appOrigin, fromNewClient, sessionCookieOf } from "../../test/sessions";
import { referrerFor } from "../members/referral-check";

/** What a sign-in needs of a wallet (ethers' random wallets are HD wallets, not `Wallet`). */
type WalletSigner = { address: string; signMessage(message: string): Promise<string> };

async function signInWallet(programId: string, wallet: WalletSigner, referralCode?: string) {
  const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId, address: wallet.address }, headers: fromNewClient() });
  const body = { message: issued.json.message, signature: await wallet.signMessage(issued.json.message), referralCode };
  return call("POST", "/v1/auth/siwe/verify", { token: null, body, headers: fromNewClient() });
}

describe("a wallet's identity", () => {
  it("reserves externalRef wallet:… for wallet sign-in: neither a venue key nor the operator can enroll one", async () => {
    const program = await createProgram("Nebula", "community");
    const key = (await issueVenueKey((await createVenue(program.id)).id)).key;
    const wallet = Wallet.createRandom();
    for (const [token, externalRef] of [
      [key, `wallet:${wallet.address.toLowerCase()}`],
      [undefined, `WALLET:${wallet.address}`],
    ] as const) {
      const refused = await call("POST", "/v1/members", { token, body: { programId: program.id, externalRef } });
      expect([refused.status, refused.json.error.code], externalRef).toEqual([422, "external_ref_reserved"]);
    }
    // The wallet's own sign-in still makes its member.
    const signedIn = await signInWallet(program.id, wallet);
    expect([signedIn.status, signedIn.json.member.externalRef]).toEqual([200, `wallet:${wallet.address.toLowerCase()}`]);
  });

  it("unlinks a wallet named in lower case", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const signedIn = await signInWallet(program.id, wallet);
    const cookie = sessionCookieOf(signedIn.headers.get("Set-Cookie") ?? "")!;
    const unlinked = await call("DELETE", `/v1/me/wallets/${wallet.address.toLowerCase()}`, { token: null, headers: { Cookie: cookie, Origin: appOrigin } });
    expect(unlinked.status).toBe(204);
    expect((await call("GET", "/v1/me/wallets", { token: null, headers: { Cookie: cookie } })).json.wallets).toEqual([]);
  });

  it("finds a self-referral by wallet whatever the case the wallet is written in", async () => {
    const program = await createProgram("Nebula", "community");
    const referrer = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `ref-${crypto.randomUUID()}` } });
    const wallet = Wallet.createRandom();
    // Linked as the link route stores it: checksummed.
    await env.DB.prepare("INSERT INTO member_wallets (program_id, address, member_id, linked_at) VALUES (?, ?, ?, ?)").bind(program.id, wallet.address, referrer.json.id, new Date().toISOString()).run();
    for (const written of [wallet.address, wallet.address.toLowerCase(), `0x${wallet.address.slice(2).toUpperCase()}`]) {
      const joiner = { id: `joiner-${crypto.randomUUID()}`, externalRef: null, email: null, phone: null, wallet: written };
      await expect(referrerFor(env.DB, program.id, referrer.json.referralCode, joiner), written).rejects.toMatchObject({ status: 422, code: "self_referral" });
    }
  });
});
