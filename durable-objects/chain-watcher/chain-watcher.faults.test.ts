import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { tokenHoldings } from "../../db/schema";
import { faultReport, startFaults } from "../../test/faulty-chain-api";
import { fundedWallet, oneToken, settleTo, transferTokens } from "../../test/token-chain";

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
});
