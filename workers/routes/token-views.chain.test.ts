import { env } from "cloudflare:workers";
import type { Wallet } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createProgram } from "../../test/api";
import { signInWithWallet } from "../../test/sessions";
import { fundedWallet, oneToken, settleTo, transferTokens } from "../../test/token-chain";

async function catchUp() {
  for (let polls = 0; polls < 20; polls++) {
    const result = await env.CHAIN_WATCHER.getByName("watcher").poll(Date.now());
    if (!result.ok) throw new Error(`poll: ${result.code}: ${result.message}`);
    if (result.caughtUp) return;
  }
}

describe("the token view routes", () => {
  let programId: string;
  let otherProgramId: string;
  let ana: { wallet: Wallet; id: string; cookie: string };
  let ben: { wallet: Wallet; id: string; cookie: string };

  beforeAll(async () => {
    programId = (await createProgram("Token community", "community")).id;
    otherProgramId = (await createProgram("Sister community", "community")).id;
    const [anaWallet, benWallet] = [await fundedWallet(), await fundedWallet()];
    ana = { wallet: anaWallet, ...(await signInWithWallet(programId, anaWallet)) };
    ben = { wallet: benWallet, ...(await signInWithWallet(programId, benWallet)) };
    // Ana earns 10 tokens by settlement and sells 4 to Ben.
    await settleTo([anaWallet.address], [10n * oneToken]);
    await transferTokens(anaWallet, benWallet.address, 4n * oneToken);
    await catchUp();
  });

  it("shows the signed-in member's balance, received and sent, exact and in whole tokens", async () => {
    const response = await call("GET", "/v1/me/token", { token: null, headers: { Cookie: ana.cookie } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      memberId: ana.id,
      balance: { baseUnits: (6n * oneToken).toString(), tokens: "6" },
      received: { baseUnits: (10n * oneToken).toString(), tokens: "10" },
      sent: { baseUnits: (4n * oneToken).toString(), tokens: "4" },
      wallets: [{ address: ana.wallet.address, balance: { baseUnits: (6n * oneToken).toString(), tokens: "6" } }],
      asOfBlock: expect.any(Number),
    });
  });

  it("shows zeros to a member whose wallets never held the token", async () => {
    const newcomer = await signInWithWallet(programId, await fundedWallet());
    const response = await call("GET", "/v1/me/token", { token: null, headers: { Cookie: newcomer.cookie } });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ balance: { baseUnits: "0", tokens: "0" }, wallets: [], asOfBlock: null });
  });

  it("asks for a member session", async () => {
    const response = await call("GET", "/v1/me/token", { token: null });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toEqual(expect.any(String));
  });

  it("counts a wallet linked in two programs for the member of each", async () => {
    const inOther = await signInWithWallet(otherProgramId, ana.wallet);
    const response = await call("GET", "/v1/me/token", { token: null, headers: { Cookie: inOther.cookie } });
    expect(response.json.balance.baseUnits).toBe((6n * oneToken).toString());
    expect(response.json.memberId).toBe(inOther.id);
  });

  it("gives the operator the program's holders, totals and hold-versus-sell ratio, page by page", async () => {
    const first = await call("GET", `/v1/programs/${programId}/token/holders?limit=1`);
    expect(first.status).toBe(200);
    expect(first.json.summary).toEqual({ holders: 2, members: 2, heldTokens: 10, receivedTokens: 14, sentTokens: 4, holdRatio: 10 / 14 });
    expect(first.json.holders).toHaveLength(1);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", `/v1/programs/${programId}/token/holders?limit=1&cursor=${first.json.nextCursor}`);
    expect(second.json.nextCursor).toBeNull();
    const holders = [...first.json.holders, ...second.json.holders];
    expect(holders).toContainEqual({
      memberId: ana.id,
      balance: { baseUnits: (6n * oneToken).toString(), tokens: "6" },
      received: { baseUnits: (10n * oneToken).toString(), tokens: "10" },
      sent: { baseUnits: (4n * oneToken).toString(), tokens: "4" },
      holdRatio: 0.6,
      wallets: [ana.wallet.address],
    });
    expect(holders).toContainEqual(expect.objectContaining({ memberId: ben.id, holdRatio: 1 }));
  });

  it("keeps the holder list to operators, and answers 404 for an unknown program and 400 for a forged cursor", async () => {
    expect((await call("GET", `/v1/programs/${programId}/token/holders`, { token: null })).status).toBe(401);
    expect((await call("GET", `/v1/programs/${programId}/token/holders`, { token: null, headers: { Cookie: ana.cookie } })).status).toBe(401);
    expect((await call("GET", "/v1/programs/no-such-program/token/holders")).status).toBe(404);
    const forged = await call("GET", `/v1/programs/${programId}/token/holders?cursor=nope`);
    expect(forged.status).toBe(400);
    expect(forged.json.error.code).toBe("invalid_cursor");
  });
});
