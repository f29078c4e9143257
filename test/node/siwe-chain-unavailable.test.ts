import { type AddressInfo, type Socket, createServer } from "node:net";
import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { chainCallTimeoutMs, checkSignInSignature } from "../../workers/sessions/siwe-signature";

/**
 * A wrong signature is the one case in which sign-in asks the chain (the address might be an EIP-1271
 * contract wallet). Real sockets, in Node: a port that refuses, and a server that accepts and never answers.
 */
async function wrongSignature() {
  const message = new SiweMessage({ domain: "loyalty.test", address: Wallet.createRandom().address, statement: "Sign in", uri: "https://loyalty.test", version: "1", chainId: 31337, nonce: "n0nce12345678", issuedAt: new Date().toISOString() });
  return { message, signature: await Wallet.createRandom().signMessage(message.prepareMessage()) };
}

async function listening(onConnection?: (socket: Socket) => void) {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, rpcUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("Sign-In with Ethereum when the chain cannot answer", () => {
  it("refuses with chain_unavailable when the chain refuses the connection", async () => {
    const { server, rpcUrl } = await listening();
    await new Promise((resolve) => server.close(resolve));
    const { message, signature } = await wrongSignature();
    expect(await checkSignInSignature(message, signature, { rpcUrl, chainId: 31337 }, Date.now())).toEqual({ ok: false, reason: "chain_unavailable" });
  });

  it("refuses with chain_unavailable, at the bound and no later, when the chain accepts the connection and never answers", async () => {
    const held: Socket[] = [];
    const { server, rpcUrl } = await listening((socket) => void held.push(socket));
    try {
      const { message, signature } = await wrongSignature();
      const startedMs = Date.now();
      expect(await checkSignInSignature(message, signature, { rpcUrl, chainId: 31337 }, Date.now())).toEqual({ ok: false, reason: "chain_unavailable" });
      const waitedMs = Date.now() - startedMs;
      expect(waitedMs).toBeGreaterThanOrEqual(chainCallTimeoutMs - 50);
      expect(waitedMs).toBeLessThan(chainCallTimeoutMs + 1_500);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
