import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenHoldings } from "../../db/schema";
import { call } from "../../test/api";
import { chainRpc, fundedWallet, oneToken, settleTo, transferTokens } from "../../test/token-chain";
import type { ChainWatcher } from "./chain-watcher";

const watcher = () => env.CHAIN_WATCHER.getByName("watcher");

async function poll() {
  const result = await watcher().poll(Date.now());
  if (!result.ok) throw new Error(`poll: ${result.code}: ${result.message}`);
  return result;
}

/** What D1's token view holds for an address (absent: never moved the token). */
async function holdingOf(address: string) {
  const [row] = await drizzle(env.DB).select().from(tokenHoldings).where(eq(tokenHoldings.address, address));
  return row ? { balance: BigInt(row.balance), received: BigInt(row.received), sent: BigInt(row.sent), transfers: row.transfers } : null;
}

describe("the chain watcher", () => {
  let dave: Awaited<ReturnType<typeof fundedWallet>>;
  beforeAll(async () => {
    // The chain may be long after other files' settlements: the first poll catches up to the head.
    for (let polls = 0; polls < 20 && !(await poll()).caughtUp; polls++);
  });

  it("shows a settlement's mints and a transfer between wallets once they have the confirmations", async () => {
    const [alice, bob] = [await fundedWallet(), await fundedWallet()];
    await settleTo([alice.address, bob.address], [5n * oneToken, 2n * oneToken]);
    await transferTokens(alice, bob.address, oneToken);
    const result = await poll();
    expect(result.caughtUp).toBe(true);
    expect(result.transfersApplied).toBe(3);
    expect(await holdingOf(alice.address)).toEqual({ balance: 4n * oneToken, received: 5n * oneToken, sent: oneToken, transfers: 2 });
    expect(await holdingOf(bob.address)).toEqual({ balance: 3n * oneToken, received: 3n * oneToken, sent: 0n, transfers: 2 });
  });

  it("polls again on its own alarm while the chain is busy, and stops when it is quiet", async () => {
    const gus = await fundedWallet();
    await settleTo([gus.address], [oneToken]);
    expect((await poll()).transfersApplied).toBe(1);
    // The alarm's poll finds nothing new, so it sets no further alarm.
    expect(await runDurableObjectAlarm(watcher())).toBe(true);
    expect(await runDurableObjectAlarm(watcher())).toBe(false);
  });

  it("reads nothing newer than the confirmation depth allows", async () => {
    const head = await chainRpc("eth_blockNumber");
    const result = await poll();
    expect(result.head).toBe(Number(head));
    // CHAIN_EVENTS_CONFIRMATIONS is 1 here: the head itself has one confirmation.
    expect(result.confirmedHead).toBe(result.head - Number(env.CHAIN_EVENTS_CONFIRMATIONS) + 1);
    expect(result.cursor).toBe(result.confirmedHead);
  });

  it("never counts a transfer twice across repeated polls, a re-read of old blocks, or a lost D1 write", async () => {
    const carol = await fundedWallet();
    await settleTo([carol.address], [7n * oneToken]);
    await poll();
    await poll();
    const once = { balance: 7n * oneToken, received: 7n * oneToken, sent: 0n, transfers: 1 };
    expect(await holdingOf(carol.address)).toEqual(once);

    // A crash that lost the cursor's progress: the watcher reads the same blocks again from the start.
    const genesis = (await chainRpc("eth_getBlockByNumber", ["0x0", false])) as { hash: string };
    await runInDurableObject(watcher(), (_instance: ChainWatcher, state) => {
      state.storage.sql.exec("UPDATE cursor SET number = 0, hash = ?", genesis.hash);
    });
    for (let polls = 0; polls < 20 && !(await poll()).caughtUp; polls++);
    expect(await holdingOf(carol.address)).toEqual(once);

    // A crash after the watcher recorded the transfer and before D1 took it: D1 lost the row, the watcher writes it again.
    await drizzle(env.DB).delete(tokenHoldings).where(eq(tokenHoldings.address, carol.address));
    await runInDurableObject(watcher(), (_instance: ChainWatcher, state) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO unpublished (address, version) SELECT address, version FROM holdings WHERE address = ?", carol.address);
    });
    await poll();
    expect(await holdingOf(carol.address)).toEqual(once);

    // A crash after D1 took the figures and before the watcher noted it: the same absolute figures again.
    expect(await watcher().republishAll(Date.now())).toBeGreaterThan(0);
    expect(await holdingOf(carol.address)).toEqual(once);
    expect((await watcher().status()).unpublished).toBe(0);
  });

  it("detects a reorg deeper than the depth, reports it, reverses the orphaned transfer and reads the new chain", async () => {
    dave = await fundedWallet();
    await settleTo([dave.address], [3n * oneToken]);
    await poll();
    const snapshot = await chainRpc("evm_snapshot");
    const erin = await fundedWallet();
    const orphanedBlock = await transferTokens(dave, erin.address, oneToken);
    const orphanedHash = ((await chainRpc("eth_getBlockByNumber", [`0x${orphanedBlock.toString(16)}`, false])) as { hash: string }).hash;
    await poll();
    expect((await holdingOf(dave.address))?.balance).toBe(2n * oneToken);
    expect((await holdingOf(erin.address))?.balance).toBe(oneToken);

    // The block holding the transfer is replaced by an empty one at the same height, and the chain grows on.
    await chainRpc("evm_revert", [snapshot]);
    await chainRpc("evm_mine");
    await chainRpc("evm_mine");
    const result = await poll();
    expect(result.reorgs).toHaveLength(1);
    const [report] = result.reorgs;
    expect(report).toMatchObject({ kind: "repaired", transfersReversed: 1 });
    expect(report.depth).toBeGreaterThanOrEqual(1);
    expect(report.blocks).toContainEqual(expect.objectContaining({ number: orphanedBlock, oldHash: orphanedHash }));
    expect(report.blocks.find((block) => block.number === orphanedBlock)?.newHash).not.toBe(orphanedHash);
    expect(await holdingOf(dave.address)).toEqual({ balance: 3n * oneToken, received: 3n * oneToken, sent: 0n, transfers: 1 });
    expect(await holdingOf(erin.address)).toEqual({ balance: 0n, received: 0n, sent: 0n, transfers: 0 });
    expect((await watcher().status()).reorgs[0]).toEqual(report);

    // The repaired view goes on counting the new chain's transfers.
    await transferTokens(dave, erin.address, 2n * oneToken);
    await poll();
    expect((await holdingOf(erin.address))?.balance).toBe(2n * oneToken);
  });

  it("stops and asks for an operator when a reorg replaced every block it remembers", async () => {
    const frank = await fundedWallet();
    const snapshot = await chainRpc("evm_snapshot");
    await settleTo([frank.address], [oneToken]);
    await poll();
    // Forget every stored hash but the cursor's: the fork below is deeper than what the watcher kept.
    await runInDurableObject(watcher(), (_instance: ChainWatcher, state) => {
      state.storage.sql.exec("DELETE FROM blocks WHERE number < (SELECT number FROM cursor)");
    });
    await chainRpc("evm_revert", [snapshot]);
    await chainRpc("evm_mine");
    await chainRpc("evm_mine");
    const result = await watcher().poll(Date.now());
    expect(result).toMatchObject({ ok: false, code: "deep_reorg_needs_operator" });
    expect((await watcher().status()).reorgs[0]).toMatchObject({ kind: "deeper_than_window", ancestorBlock: null });
    expect(await watcher().poll(Date.now())).toMatchObject({ ok: false, code: "deep_reorg_needs_operator" });

    // The operator sees the report and rebuilds the view from block 0.
    const status = await call("GET", "/v1/chain/watcher");
    expect(status.status).toBe(200);
    expect(status.json.reorgs[0]).toMatchObject({ kind: "deeper_than_window", resolvedAtMs: null });
    const rebuilt = await call("POST", "/v1/chain/watcher/rebuild");
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toMatchObject({ addressesReset: expect.any(Number), poll: { ok: true, caughtUp: true } });
    expect((await call("GET", "/v1/chain/watcher")).json.reorgs[0].resolvedAtMs).toEqual(expect.any(Number));
    // Frank's settlement is gone with the fork; what stood before it is counted again, once.
    expect(await holdingOf(frank.address)).toEqual({ balance: 0n, received: 0n, sent: 0n, transfers: 0 });
    expect(await holdingOf(dave.address)).toEqual({ balance: oneToken, received: 3n * oneToken, sent: 2n * oneToken, transfers: 2 });
  });

  it("keeps its status and rebuild to operators", async () => {
    expect((await call("GET", "/v1/chain/watcher", { token: null })).status).toBe(401);
    expect((await call("POST", "/v1/chain/watcher/rebuild", { token: "wrong" })).status).toBe(401);
  });
});
