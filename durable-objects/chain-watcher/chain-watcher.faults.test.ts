import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { tokenHoldings } from "../../db/schema";
import { faultReport, startFaults } from "../../test/faulty-chain-api";
import { chainRpc } from "../../test/token-chain";

const chainRpcMine = () => chainRpc("evm_mine");
import { balanceOnChain, fundedWallet, oneToken, sendSettlement, settleTo, transferTokens } from "../../test/token-chain";

const watcher = () => env.CHAIN_WATCHER.getByName("watcher");

describe("the chain watcher on a faulty chain", () => {
  it("reaches the right figures through RPC outages, however often a poll fails halfway", async () => {
    await startFaults({ seed: 23, rates: {} });
    const [alice, bob] = [await fundedWallet(), await fundedWallet()];
    await settleTo([alice.address], [9n * oneToken]);
    await transferTokens(alice, bob.address, 4n * oneToken);

    await startFaults({ seed: 23, rates: { rpcDown: 0.3 }, rpcDownBurstMax: 2, blockEveryRequests: 5 });
    let failed = 0;
    let caughtUp = false;
    for (let polls = 0; polls < 60 && !caughtUp; polls++) {
      const result = await watcher().poll(Date.now());
      if (result.ok) caughtUp = result.caughtUp;
      else failed++;
    }
    const report = await faultReport();
    await startFaults({ seed: 23, rates: {} });

    expect(caughtUp).toBe(true);
    expect(report.counts.rpc_down).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    const [row] = await drizzle(env.DB).select().from(tokenHoldings).where(eq(tokenHoldings.address, bob.address));
    expect(row).toMatchObject({ balance: (4n * oneToken).toString(), received: (4n * oneToken).toString(), transfers: 1 });
    const [aliceRow] = await drizzle(env.DB).select().from(tokenHoldings).where(eq(tokenHoldings.address, alice.address));
    expect(aliceRow).toMatchObject({ balance: (5n * oneToken).toString(), received: (9n * oneToken).toString(), sent: (4n * oneToken).toString(), transfers: 2 });
  });

  // The faults project reads logs two blocks deep (vitest.config.ts), so the proxy's depth-1 reorgs happen
  // before the watcher reads a block and never need a repair (the workerd-chain tests repair one at depth 1).
  it("ends up with the chain's balances when settlements are reorged away, reading behind them so none needs repair", async () => {
    const recipients = [await fundedWallet(), await fundedWallet(), await fundedWallet()].map((wallet) => wallet.address);
    await startFaults({ seed: 2323, rates: { reorg: 0.5 }, settlerKey: env.SETTLER_PRIVATE_KEY, reorgDelayRequestsMax: 8 });
    for (let round = 0; round < 12; round++) {
      // A reorg between reading settledCount() and sending makes the id a skip: read it again and resend.
      for (let attempt = 0; attempt < 5; attempt++) {
        const sent = await sendSettlement([recipients[round % 3]], [BigInt(round + 1) * oneToken]).catch((error: unknown) => error);
        if (typeof sent === "string") break;
      }
      await watcher().poll(Date.now());
    }
    const report = await faultReport();
    await startFaults({ seed: 2323, rates: {} });
    // Blocks past any pending reorg and past the depth, then polls until the watcher has read up to them.
    for (let block = 0; block < 3; block++) await chainRpcMine();
    for (let polls = 0; polls < 20; polls++) {
      const result = await watcher().poll(Date.now());
      if (result.ok && result.caughtUp) break;
    }

    expect(report.counts.reorg).toBeGreaterThan(0);
    expect((await watcher().status()).reorgs).toEqual([]);
    for (const address of recipients) {
      const [row] = await drizzle(env.DB).select().from(tokenHoldings).where(eq(tokenHoldings.address, address));
      expect(BigInt(row?.balance ?? "0")).toBe(await balanceOnChain(address));
    }
  });
});
