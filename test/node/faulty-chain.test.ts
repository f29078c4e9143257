import { type ChildProcess, spawn } from "node:child_process";
import { JsonRpcProvider, Network, Wallet, keccak256, parseEther } from "ethers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/free-port";
import { rpcAnswers, waitFor } from "../../scripts/processes";
import { createFaultyChain } from "../faulty-chain";
import { faultControlUrl, faultsInjected } from "../faulty-chain-api";

type RpcAnswer = { id: number; result?: unknown; error?: { code: number; message: string } };

/** A fault-injecting chain in front of a node, called as the outbound service calls it. */
function faultyChainBefore(nodeUrl: string) {
  const chain = createFaultyChain(() => nodeUrl);
  const post = (body: unknown) => chain.handle(new Request("http://faulty-chain.test/", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  return {
    chain,
    post,
    async rpc(method: string, params: unknown[] = []): Promise<RpcAnswer | { status: number }> {
      const response = await post({ jsonrpc: "2.0", id: 1, method, params });
      return response.ok ? ((await response.json()) as RpcAnswer) : { status: response.status };
    },
  };
}

const nodeCall = async (url: string, method: string, params: unknown[] = []) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await response.json()) as RpcAnswer).result;
};

/** A settler of its own (a fresh key with gas money), so these tests never touch another file's nonces. */
async function fundedSettler(nodeUrl: string) {
  const settler = Wallet.createRandom();
  await nodeCall(nodeUrl, "hardhat_setBalance", [settler.address, `0x${parseEther("10").toString(16)}`]);
  return new Wallet(settler.privateKey);
}

/** A 0-value self-transfer signed at the settler's next nonce, with the given fee cap. */
async function signedTx(nodeUrl: string, settler: Wallet, maxFeePerGas = 10_000_000_000n, nonce?: number) {
  return settler.signTransaction({
    type: 2,
    chainId: 31337,
    nonce: nonce ?? Number(await nodeCall(nodeUrl, "eth_getTransactionCount", [settler.address, "pending"])),
    to: settler.address,
    value: 0n,
    gasLimit: 21_000n,
    maxFeePerGas,
    maxPriorityFeePerGas: 1_000_000_000n,
  });
}

describe("the fault-injecting chain", () => {
  const nodeUrl = inject("chainRpcUrl");

  it("passes single and batched JSON-RPC calls through untouched when no fault is asked for", async () => {
    const { chain, post } = faultyChainBefore(nodeUrl);
    chain.configure({ seed: 1, rates: {} });
    const batch = await post([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
      { jsonrpc: "2.0", id: 2, method: "eth_blockNumber", params: [] },
    ]);
    expect(await batch.json()).toEqual([expect.objectContaining({ id: 1, result: "0x7a69" }), expect.objectContaining({ id: 2, result: expect.any(String) })]);
    expect(faultsInjected(chain.report().counts)).toBe(0);
  });

  it("answers 503 for a burst of requests while the RPC is down", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    chain.configure({ seed: 2, rates: { rpcDown: 1 }, rpcDownBurstMax: 3 });
    expect(await rpc("eth_blockNumber")).toEqual({ status: 503 });
    expect(await rpc("eth_blockNumber")).toEqual({ status: 503 });
    expect(chain.report().counts.rpc_down).toBe(2);
  });

  it("drops a transaction: the sender gets its hash and the node never sees it", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    const settler = await fundedSettler(nodeUrl);
    chain.configure({ seed: 3, rates: { dropTx: 1 }, settlerKey: settler.privateKey });
    const raw = await signedTx(nodeUrl, settler);
    expect(await rpc("eth_sendRawTransaction", [raw])).toMatchObject({ result: keccak256(raw) });
    expect(await nodeCall(nodeUrl, "eth_getTransactionByHash", [keccak256(raw)])).toBeNull();
    expect(await nodeCall(nodeUrl, "eth_getTransactionCount", [settler.address, "pending"])).toBe("0x0");
    expect(chain.report().counts.drop_tx).toBe(1);
  });

  it("takes the settler's nonce with another transaction from its key, so the settler's is refused", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    const settler = await fundedSettler(nodeUrl);
    chain.configure({ seed: 4, rates: { nonceTaken: 1 }, settlerKey: settler.privateKey });
    const raw = await signedTx(nodeUrl, settler);
    const answer = await rpc("eth_sendRawTransaction", [raw]);
    expect(answer).toMatchObject({ error: { message: expect.stringMatching(/nonce/i) } });
    expect(await nodeCall(nodeUrl, "eth_getTransactionCount", [settler.address, "latest"])).toBe("0x1");
    expect(await nodeCall(nodeUrl, "eth_getTransactionByHash", [keccak256(raw)])).toBeNull();
    expect(chain.report().counts.nonce_taken).toBe(1);
  });

  it("refuses a transaction under a rising fee floor as underpriced until the sender bumps it above", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    const settler = await fundedSettler(nodeUrl);
    chain.configure({ seed: 5, rates: { feeTooLow: 0.5 }, settlerKey: settler.privateKey });
    let fee = 10_000_000_000n;
    let refusals = 0;
    for (let attempt = 0; attempt < 60; attempt++) {
      const answer = await rpc("eth_sendRawTransaction", [await signedTx(nodeUrl, settler, fee)]);
      if ("error" in answer && answer.error) {
        expect(answer.error.message).toMatch(/transaction underpriced/);
        refusals++;
        fee += fee / 10n; // the same nonce, bumped 10%
        continue;
      }
      expect(answer).toMatchObject({ result: expect.any(String) });
      if (refusals > 0) break;
    }
    expect(refusals).toBeGreaterThan(0);
    expect(chain.report().counts.fee_too_low).toBe(refusals);
  });

  it("mines an empty block every so many requests so confirmations accrue", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    chain.configure({ seed: 6, rates: {}, blockEveryRequests: 2 });
    const before = Number(await nodeCall(nodeUrl, "eth_blockNumber"));
    for (let request = 0; request < 4; request++) await rpc("eth_chainId");
    expect(chain.report().counts.blocksMined).toBe(2);
    expect(Number(await nodeCall(nodeUrl, "eth_blockNumber"))).toBeGreaterThanOrEqual(before + 2);
  });

  it("injects the same faults for the same seed and the same requests, and others for another seed", async () => {
    const settler = new Wallet(Wallet.createRandom().privateKey); // no gas money: the node refuses what is forwarded, the faults are the proxy's
    const raws = await Promise.all([0, 1, 2, 3, 4, 5].map((nonce) => signedTx(nodeUrl, settler, 10_000_000_000n, nonce)));
    async function run(seed: number) {
      const { chain, rpc } = faultyChainBefore(nodeUrl);
      chain.configure({ seed, rates: { rpcDown: 0.3, dropTx: 0.5 }, settlerKey: settler.privateKey });
      for (const raw of raws) {
        await rpc("eth_blockNumber");
        await rpc("eth_sendRawTransaction", [raw]);
      }
      return chain.report().events;
    }
    const first = await run(42);
    expect(first.length).toBeGreaterThan(0);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
  });

  it("is driven at /__faults: settings in, counts out", async () => {
    const { chain } = faultyChainBefore(nodeUrl);
    const set = await chain.handle(new Request(faultControlUrl, { method: "POST", body: JSON.stringify({ seed: 7, rates: { rpcDown: 0.1 } }) }));
    expect(set.status).toBe(200);
    const report = await (await chain.handle(new Request(faultControlUrl))).json();
    expect(report).toMatchObject({ settings: { seed: 7 }, counts: { rpc_down: 0, requests: 0 } });
    expect((await chain.handle(new Request(faultControlUrl, { method: "POST", body: "{}" }))).status).toBe(400);
  });
});

/**
 * A reorg reverts the node, which would undo other test files' blocks on the shared node: this one gets
 * a private hardhat node.
 */
describe("the fault-injecting chain's reorg", () => {
  let node: ChildProcess;
  let nodeUrl: string;

  beforeAll(async () => {
    nodeUrl = `http://127.0.0.1:${await freePort()}`;
    node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", new URL(nodeUrl).port], { stdio: "ignore", detached: true });
    await waitFor(`hardhat node on ${nodeUrl}`, () => rpcAnswers(nodeUrl), 60_000);
  });

  afterAll(() => {
    if (node?.pid) process.kill(-node.pid, "SIGTERM");
  });

  it("replaces the block of a mined settler transaction with an empty one: the transaction vanishes", async () => {
    const { chain, rpc } = faultyChainBefore(nodeUrl);
    const settler = await fundedSettler(nodeUrl);
    chain.configure({ seed: 8, rates: { reorg: 1 }, reorgDelayRequestsMax: 1, settlerKey: settler.privateKey });
    const raw = await signedTx(nodeUrl, settler);
    expect(await rpc("eth_sendRawTransaction", [raw])).toMatchObject({ result: keccak256(raw) });
    const provider = new JsonRpcProvider(nodeUrl, undefined, { staticNetwork: Network.from(31337), cacheTimeout: -1 });
    const receipt = await provider.getTransactionReceipt(keccak256(raw));
    expect(receipt?.status).toBe(1);
    const minedIn = { number: receipt?.blockNumber ?? -1, hash: receipt?.blockHash };

    await rpc("eth_blockNumber"); // the next request: the reorg is due

    expect(chain.report().counts.reorg).toBe(1);
    expect(await provider.getTransactionReceipt(keccak256(raw))).toBeNull();
    const replacement = await provider.getBlock(minedIn.number);
    expect(replacement?.hash).not.toBe(minedIn.hash);
    expect(replacement?.transactions).toEqual([]);
    expect(await provider.getBlockNumber()).toBe(minedIn.number);
    provider.destroy();
  });
});
