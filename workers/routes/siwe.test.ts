import { env } from "cloudflare:workers";
import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { call, createProgram } from "../../test/api";
import { contractWallet, silentChainUrl } from "../../test/fake-chain";
import { fromNewClient } from "../../test/sessions";
import { checkSignIn } from "../sessions/siwe";
import { chainCallTimeoutMs } from "../sessions/siwe-signature";

const minuteMs = 60_000;

async function nonceFor(programId: string) {
  const response = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId }, headers: fromNewClient() });
  expect(response.status).toBe(201);
  return response.json as { nonce: string; domain: string; uri: string; chainId: number };
}

function messageFor(wallet: { address: string }, nonce: string, overrides: Partial<ConstructorParameters<typeof SiweMessage>[0] & object> = {}) {
  return new SiweMessage({
    domain: "loyalty.test",
    address: wallet.address,
    statement: "Sign in to the loyalty program",
    uri: "https://loyalty.test",
    version: "1",
    chainId: 31337,
    nonce,
    issuedAt: new Date().toISOString(),
    expirationTime: new Date(Date.now() + 5 * minuteMs).toISOString(),
    ...overrides,
  }).prepareMessage();
}

const verify = (message: string, signature: string) => call("POST", "/v1/auth/siwe/verify", { token: null, body: { message, signature }, headers: fromNewClient() });

describe("Sign-In with Ethereum", () => {
  it("enrolls a community member on first sign-in, finds the same member after, and sets a session", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const first = await nonceFor(program.id);
    expect(first).toMatchObject({ domain: "loyalty.test", uri: "https://loyalty.test", chainId: 31337 });
    expect(first.nonce).toMatch(/^[0-9a-zA-Z]{16,}$/);
    const message = messageFor(wallet, first.nonce);
    const signedIn = await verify(message, await wallet.signMessage(message));
    expect(signedIn.status).toBe(200);
    expect(signedIn.json).toMatchObject({ address: wallet.address, member: { programId: program.id, tier: "BRONZE" } });
    const cookie = /__Host-loyalty_session=[^;]+/.exec(signedIn.headers.get("Set-Cookie") ?? "")?.[0];
    expect((await call("GET", "/v1/me", { token: null, headers: { Cookie: cookie! } })).json.id).toBe(signedIn.json.member.id);
    const again = messageFor(wallet, (await nonceFor(program.id)).nonce);
    expect((await verify(again, await wallet.signMessage(again))).json.member.id).toBe(signedIn.json.member.id);
    const replayed = await verify(message, await wallet.signMessage(message));
    expect([replayed.status, replayed.json.error.code]).toEqual([401, "siwe_nonce_invalid"]);
  });

  it("prepares the message for a wallet that names itself, so a page only asks the wallet to sign", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: wallet.address.toLowerCase() }, headers: fromNewClient() });
    expect(issued.status).toBe(201);
    const parsed = new SiweMessage(issued.json.message);
    expect(parsed).toMatchObject({ domain: "loyalty.test", uri: "https://loyalty.test", chainId: 31337, nonce: issued.json.nonce, address: wallet.address, statement: "Sign in to Nebula." });
    const signedIn = await verify(issued.json.message, await wallet.signMessage(issued.json.message));
    expect(signedIn.status).toBe(200);
    const oddCase = `0x${wallet.address.slice(2, 22).toLowerCase()}${wallet.address.slice(22).toUpperCase()}`;
    const oddCaseNonce = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: oddCase }, headers: fromNewClient() });
    expect([oddCaseNonce.status, new SiweMessage(oddCaseNonce.json.message).address]).toEqual([201, wallet.address]);
    const badAddress = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: "0x123" }, headers: fromNewClient() });
    expect([badAddress.status, badAddress.json.error.code]).toEqual([422, "validation_failed"]);
  });

  it.each(["Café Coalition", "Joe’s Bars", "50% Club", '"Quoted" <b>', "Moon 🚀 Club", "🚀🌙"])("signs a wallet in to a program called %s: the message the nonce answers is valid EIP-4361", async (name) => {
    const program = await createProgram(name, "community");
    const wallet = Wallet.createRandom();
    const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: wallet.address }, headers: fromNewClient() });
    expect(issued.status).toBe(201);
    expect(new SiweMessage(issued.json.message).statement).toMatch(/^Sign in to [ -~]+\.$/);
    const signedIn = await verify(issued.json.message, await wallet.signMessage(issued.json.message));
    expect([signedIn.status, signedIn.json.member?.programId]).toEqual([200, program.id]);
  });

  it("refuses another scheme, domain, URI or chain, a message issued in the future, an expired or not-yet-valid one, a tampered message and another wallet's signature", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const other = Wallet.createRandom();
    const cases: [Partial<ConstructorParameters<typeof SiweMessage>[0] & object>, string][] = [
      [{ domain: "evil.example" }, "siwe_domain_mismatch"],
      [{ uri: "https://evil.example" }, "siwe_uri_mismatch"],
      [{ uri: "http://loyalty.test" }, "siwe_uri_mismatch"],
      [{ scheme: "http" }, "siwe_scheme_mismatch"],
      [{ issuedAt: "2099-01-01T00:00:00.000Z", expirationTime: "2099-01-01T00:05:00.000Z" }, "siwe_issued_in_future"],
      [{ issuedAt: new Date(Date.now() + 6 * minuteMs).toISOString() }, "siwe_issued_in_future"],
      [{ chainId: 1 }, "siwe_chain_mismatch"],
      [{ issuedAt: new Date(Date.now() - 10 * minuteMs).toISOString(), expirationTime: new Date(Date.now() - minuteMs).toISOString() }, "siwe_expired"],
      [{ notBefore: new Date(Date.now() + 10 * minuteMs).toISOString() }, "siwe_not_yet_valid"],
    ];
    for (const [overrides, code] of cases) {
      const message = messageFor(wallet, (await nonceFor(program.id)).nonce, overrides);
      const refused = await verify(message, await wallet.signMessage(message));
      expect([refused.status, refused.json.error?.code], JSON.stringify(overrides)).toEqual([422, code]);
    }
    const message = messageFor(wallet, (await nonceFor(program.id)).nonce);
    const tampered = await verify(message.replace("Sign in to the loyalty program", "Sign in to the loyalty program now"), await wallet.signMessage(message));
    expect([tampered.status, tampered.json.error.code]).toEqual([401, "siwe_invalid_signature"]);
    const forged = await verify(message, await other.signMessage(message));
    expect([forged.status, forged.json.error.code]).toEqual([401, "siwe_invalid_signature"]);
    const unknownNonce = messageFor(wallet, "a1b2c3d4e5f6g7h8");
    expect((await verify(unknownNonce, await wallet.signMessage(unknownNonce))).json.error.code).toBe("siwe_nonce_invalid");
    expect((await verify("hello", "0x00")).json.error.code).toBe("siwe_malformed");
  });

  it("gives exactly one session to 50 concurrent verifies of one signed message", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const message = messageFor(wallet, (await nonceFor(program.id)).nonce);
    const signature = await wallet.signMessage(message);
    const answers = await Promise.all(Array.from({ length: 50 }, () => verify(message, signature)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(new Set(answers.filter((answer) => answer.status !== 200).map((answer) => answer.json.error.code))).toEqual(new Set(["siwe_nonce_invalid"]));
  });
  it("accepts a message issued a little ahead of the server's clock (up to 5 minutes) and one with this deployment's scheme", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const ahead = messageFor(wallet, (await nonceFor(program.id)).nonce, { issuedAt: new Date(Date.now() + 4 * minuteMs).toISOString() });
    expect((await verify(ahead, await wallet.signMessage(ahead))).status).toBe(200);
    const withScheme = messageFor(wallet, (await nonceFor(program.id)).nonce, { scheme: "https" });
    expect((await verify(withScheme, await wallet.signMessage(withScheme))).status).toBe(200);
  });

  it("lets only the wallet a nonce was asked for sign in with it", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const intruder = Wallet.createRandom();
    const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: wallet.address }, headers: fromNewClient() });
    const stolen = messageFor(intruder, issued.json.nonce);
    const refused = await verify(stolen, await intruder.signMessage(stolen));
    expect([refused.status, refused.json.error.code]).toEqual([401, "siwe_nonce_wrong_wallet"]);
    // The refusal spent nothing: the wallet it was asked for still signs in with it.
    const signedIn = await verify(issued.json.message, await wallet.signMessage(issued.json.message));
    expect([signedIn.status, signedIn.json.address]).toEqual([200, wallet.address]);
  });

  it("refuses with 503 chain_unavailable when the chain refuses the connection or never answers, within the bound", { timeout: 20_000 }, async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    // A wrong signature is the one case that asks the chain: the address might be a contract wallet.
    const wrongSignature = async () => {
      const message = messageFor(wallet, (await nonceFor(program.id)).nonce);
      return { message, signature: await Wallet.createRandom().signMessage(message) };
    };
    for (const rpcUrl of ["http://127.0.0.1:9", silentChainUrl]) {
      const { message, signature } = await wrongSignature();
      const startedMs = Date.now();
      const refused = checkSignIn({ ...env, CHAIN_RPC_URL: rpcUrl }, message, signature, Date.now());
      await expect(refused, rpcUrl).rejects.toMatchObject({ status: 503, code: "chain_unavailable" });
      expect(Date.now() - startedMs, rpcUrl).toBeLessThan(chainCallTimeoutMs + 2_000);
    }
    // Through the worker, the test chain answers: the same wrong signature is simply wrong.
    const { message, signature } = await wrongSignature();
    const refused = await verify(message, signature);
    expect([refused.status, refused.json.error.code]).toEqual([401, "siwe_invalid_signature"]);
  });

  it("signs in a contract wallet (EIP-1271) when its owner signed, and refuses another key's signature", async () => {
    const program = await createProgram("Nebula", "community");
    const message = messageFor(contractWallet, (await nonceFor(program.id)).nonce);
    const stranger = await verify(message, await Wallet.createRandom().signMessage(message));
    expect([stranger.status, stranger.json.error.code]).toEqual([401, "siwe_invalid_signature"]);
    const signedIn = await verify(message, await contractWallet.owner.signMessage(message));
    expect([signedIn.status, signedIn.json.address]).toEqual([200, contractWallet.address]);
  });
});
