import { Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { appOrigin, fromNewClient, signInByLink } from "../../test/sessions";
import { memberTools, testSettlement, tokensOf, walletMember } from "../../test/token-payouts";

const hourMs = 3_600_000;

/** A Sign-In with Ethereum message for linking `wallet`, signed by it. */
async function signedMessage(programId: string, wallet: { address: string; signMessage(message: string): Promise<string> }) {
  const nonce = (await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId }, headers: fromNewClient() })).json.nonce;
  const message = new SiweMessage({ domain: "loyalty.test", address: wallet.address, statement: "Link this wallet", uri: appOrigin, version: "1", chainId: 31337, nonce, issuedAt: new Date().toISOString() }).prepareMessage();
  return { message, signature: await wallet.signMessage(message) };
}

describe("the pinned payout wallet", () => {
  it("pins the wallet a member joined with, at once, and shows it with its audit row", async () => {
    const member = await walletMember();
    const shown = await member.asMember("GET", "/v1/me/payout-wallet");
    expect(shown.json).toMatchObject({ pinned: member.wallet.address, pendingRelink: null, history: [{ from: null, to: member.wallet.address, status: "applied", requestedBy: "enrollment", cancelledAt: null }] });
    expect((await call("GET", `/v1/members/${member.memberId}/payout-wallet`)).json).toEqual(shown.json);
  });

  it("takes a member's first pin of a linked wallet at once", async () => {
    const program = await createProgram("Tokens", "community", { settlement: { ...testSettlement, kinds: ["voice_ama"] } });
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `first-pin-${crypto.randomUUID()}` } });
    const { cookie } = await signInByLink(operatorToken, enrolled.json.id);
    const member = memberTools(enrolled.json.id, cookie, { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config });
    expect((await member.asMember("GET", "/v1/me/payout-wallet")).json).toEqual({ pinned: null, pendingRelink: null, history: [] });
    const wallet = Wallet.createRandom();
    await member.asMember("POST", "/v1/me/wallets", await signedMessage(program.id, wallet));
    const pinned = await member.asMember("PUT", "/v1/me/payout-wallet", { address: wallet.address });
    expect(pinned.json).toMatchObject({ outcome: "pinned", pinned: wallet.address, pendingRelink: null, history: [{ from: null, to: wallet.address, status: "applied", requestedBy: "member" }] });
  });

  it("refuses a wallet that is not the member's own linked wallet, even another member's", async () => {
    const member = await walletMember();
    const other = await walletMember();
    const stranger = await member.asMember("PUT", "/v1/me/payout-wallet", { address: Wallet.createRandom().address });
    expect([stranger.status, stranger.json.error.code]).toEqual([422, "wallet_not_linked"]);
    const theirs = await member.asMember("PUT", "/v1/me/payout-wallet", { address: other.wallet.address });
    expect([theirs.status, theirs.json.error.code]).toEqual([422, "wallet_not_linked"]);
    expect(theirs.json.error.message).toContain("link it first");
    const malformed = await member.asMember("PUT", "/v1/me/payout-wallet", { address: "0x12" });
    expect(malformed.status).toBe(422);
    expect((await tokensOf(member.memberId)).payoutWallet).toBe(member.wallet.address);
  });

  it("pays the old wallet until a relink cools off, can cancel the relink, and keeps every change in the audit trail", async () => {
    const member = await walletMember({ settlement: { relinkCoolingOffHours: 24 } });
    await member.verify();
    const second = Wallet.createRandom();
    expect((await member.asMember("POST", "/v1/me/wallets", await signedMessage(member.program.id, second))).status).toBe(201);
    const requested = await member.asMember("PUT", "/v1/me/payout-wallet", { address: second.address.toLowerCase() });
    expect(requested.status).toBe(200);
    expect(requested.json).toMatchObject({ outcome: "relink_requested", pinned: member.wallet.address, pendingRelink: { address: second.address } });
    const requestedAtMs = Date.parse(requested.json.pendingRelink.requestedAt);
    expect(Date.parse(requested.json.pendingRelink.effectiveAt) - requestedAtMs).toBe(24 * hourMs);

    await member.quest("q1");
    const duringCoolingOff = await member.cutAt(requestedAtMs + 23 * hourMs);
    expect(duringCoolingOff.body).toMatchObject({ address: member.wallet.address });

    const cancelled = await member.asMember("DELETE", "/v1/me/payout-wallet/relink");
    expect(cancelled.json).toMatchObject({ outcome: "relink_cancelled", pinned: member.wallet.address, pendingRelink: null });
    const nothing = await member.asMember("DELETE", "/v1/me/payout-wallet/relink");
    expect([nothing.status, nothing.json.error.code]).toEqual([404, "no_pending_relink"]);

    const again = await member.asMember("PUT", "/v1/me/payout-wallet", { address: second.address });
    expect(again.json.outcome).toBe("relink_requested");
    const effectiveMs = Date.parse(again.json.pendingRelink.effectiveAt);
    await member.quest("q2");
    const afterCoolingOff = await member.cutAt(effectiveMs + 1 + 86_400_000);
    expect(afterCoolingOff.body).toMatchObject({ address: second.address });
    const trail = await member.stub.payoutWallet(effectiveMs + 1);
    expect(trail?.pinned).toBe(second.address);
    expect(trail?.history.map((change) => [change.to, change.status, change.requestedBy, change.cancelledBy])).toEqual([
      [second.address, "applied", "member", null],
      [second.address, "cancelled", "member", "member"],
      [member.wallet.address, "applied", "enrollment", null],
    ]);
  });

  it("asking for the pinned wallet again while a relink waits cancels the relink", async () => {
    const member = await walletMember();
    const second = Wallet.createRandom();
    await member.asMember("POST", "/v1/me/wallets", await signedMessage(member.program.id, second));
    await member.asMember("PUT", "/v1/me/payout-wallet", { address: second.address });
    const back = await member.asMember("PUT", "/v1/me/payout-wallet", { address: member.wallet.address });
    expect(back.json).toMatchObject({ outcome: "relink_cancelled", pinned: member.wallet.address, pendingRelink: null });
    const same = await member.asMember("PUT", "/v1/me/payout-wallet", { address: member.wallet.address });
    expect(same.json.outcome).toBe("unchanged");
  });
});
