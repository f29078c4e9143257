import { env } from "cloudflare:workers";
import { Wallet, hexlify, randomBytes } from "ethers";
import { describe, expect, it, vi } from "vitest";
import { call, createProgram } from "../../test/api";
import { testVerificationKind, withTestVerification } from "../../test/community";
import { newKey } from "../../test/ledger";
import { appOrigin, fromNewClient, signInWithWallet } from "../../test/sessions";
import { runSettlerUntilIdle, settler, token } from "../../test/settler";
import { testSettlement } from "../../test/token-payouts";

const memberCount = 100;
const actionsPerMember = 10;
const unitsPerPoint = BigInt(testSettlement.tokenUnitsPerPoint);

type Payout = { intentId: string; points: number; tokenAmount: string; status: string; settlementId: number | null; txHash: string | null };

/**
 * Issue 23 end to end on the local chain, through the worker's real fetch: 100 members who joined with
 * their wallets each earn 10 actions and ask for their tokens; their actors reserve the points and put
 * the intents on the settlement Queue, the ChainSettler settles them on the hardhat node, and each
 * member's ledger, the chain and the reconciliation agree.
 */
describe("100 members earn, settle and hold exactly their settled tokens", () => {
  it("mints each member's wallet exactly the tokens their ledger settled, and reconciliation finds no difference", async () => {
    const program = await createProgram("Settling community", "community", withTestVerification({ settlement: testSettlement, community: { actions: { quest: { points: 300, cooldownMinutes: 0 } } } }));
    const members = [];
    for (let i = 0; i < memberCount; i++) {
      const wallet = new Wallet(hexlify(randomBytes(32)));
      const { id, cookie } = await signInWithWallet(program.id, wallet);
      members.push({ id, cookie, wallet });
    }
    const credit = (memberId: string, kind: string, sourceId: string) =>
      call("POST", `/v1/members/${memberId}/actions`, { body: { kind, sourceId }, headers: { "Idempotency-Key": newKey("action") } });
    const countBefore = Number(await token().settledCount());
    const payouts = await Promise.all(
      members.map(async (member) => {
        expect((await credit(member.id, testVerificationKind, "verify")).status).toBe(201);
        for (let action = 0; action < actionsPerMember; action++) expect((await credit(member.id, "quest", `quest-${action}`)).status).toBe(201);
        const cut = await call("POST", "/v1/me/token-settlements", { token: null, headers: { Cookie: member.cookie, Origin: appOrigin, "Idempotency-Key": newKey("cut"), ...fromNewClient() } });
        expect(cut.status, JSON.stringify(cut.json)).toBe(201);
        return cut.json as Payout;
      }),
    );

    // The intents reach the settler through the Queue; 100 queued recipients cut a batch at once. The
    // settler's alarm is driven here so the test does not wait on its timers.
    await vi.waitUntil(
      async () => {
        const status = await runSettlerUntilIdle();
        return status.queued === 0 && status.inFlight === null && status.pendingDeliveries === 0 && status.deliveredDeliveries >= memberCount;
      },
      { timeout: 90_000, interval: 250 },
    );

    expect(Number(await token().settledCount())).toBeGreaterThan(countBefore);
    for (const [index, member] of members.entries()) {
      const view = (await call("GET", `/v1/members/${member.id}`)).json;
      const settled = BigInt(view.tokens.settledTokenAmount);
      expect(view.tokens.reservedPoints).toBe(0);
      expect(settled).toBe(BigInt(payouts[index].points) * unitsPerPoint);
      expect(await token().balanceOf(member.wallet.address)).toBe(settled);
      const [payout] = (await call("GET", `/v1/members/${member.id}/token-settlements`)).json.payouts as Payout[];
      expect(payout).toMatchObject({ intentId: payouts[index].intentId, status: "settled" });
      expect(payout.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    }

    let run = await settler().reconcile(Date.now());
    while (!run.finished) run = await settler().reconcile(Date.now());
    const report = await settler().lastReconciliation(program.id);
    expect(report).toMatchObject({ differences: [] });
    expect(report!.membersChecked).toBeGreaterThanOrEqual(memberCount);
  }, 240_000);
});
