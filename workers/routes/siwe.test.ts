import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { call, createProgram } from "../../test/api";
import { fromNewClient } from "../../test/sessions";

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
    const badAddress = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId: program.id, address: "0x123" }, headers: fromNewClient() });
    expect([badAddress.status, badAddress.json.error.code]).toEqual([422, "validation_failed"]);
  });

  it("refuses another domain, another URI, another chain, an expired or not-yet-valid message, a tampered message and another wallet's signature", async () => {
    const program = await createProgram("Nebula", "community");
    const wallet = Wallet.createRandom();
    const other = Wallet.createRandom();
    const cases: [Partial<ConstructorParameters<typeof SiweMessage>[0] & object>, string][] = [
      [{ domain: "evil.example" }, "siwe_domain_mismatch"],
      [{ uri: "https://evil.example" }, "siwe_uri_mismatch"],
      [{ chainId: 1 }, "siwe_chain_mismatch"],
      [{ issuedAt: new Date(Date.now() - 10 * minuteMs).toISOString(), expirationTime: new Date(Date.now() - minuteMs).toISOString() }, "siwe_expired"],
      [{ notBefore: new Date(Date.now() + 10 * minuteMs).toISOString() }, "siwe_not_yet_valid"],
    ];
    for (const [overrides, code] of cases) {
      const message = messageFor(wallet, (await nonceFor(program.id)).nonce, overrides);
      const refused = await verify(message, await wallet.signMessage(message));
      expect(refused.json.error?.code, JSON.stringify(overrides)).toBe(code);
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
});
