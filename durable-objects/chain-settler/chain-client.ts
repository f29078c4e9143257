import { JsonRpcProvider, Network, Transaction, Wallet, isError, keccak256, toBeHex, zeroPadValue } from "ethers";
import type { Fees } from "../../domain/token-settlement/fee-bump";
import type { BroadcastError } from "../../domain/token-settlement/in-flight";
import { broadcastFailure } from "./broadcast-errors";
import { tokenInterface } from "./settlement-abi";

const settledTopic = tokenInterface.getEvent("Settled")!.topicHash;
const transferTopic = tokenInterface.getEvent("Transfer")!.topicHash;
const zeroTopic = zeroPadValue("0x", 32);

export type SettlementCall = { settlementId: number; recipients: string[]; amounts: bigint[] };
export type ReceiptRead = { hash: string; ok: boolean; blockNumber: number; gasUsed: number; mints: Map<string, bigint> };
export type BroadcastResult = { ok: true } | { ok: false; error: BroadcastError; message: string };

/** A chain call that did not answer in time or failed in transport: the step stops and the alarm backs off. */
export class ChainUnreachable extends Error {}

/**
 * The settler's only door to the chain: each JSON-RPC call bounded by a timeout, the key signing
 * locally, and raw transactions sent with `eth_sendRawTransaction`. No NonceManager: nonces come
 * from the chain and the settler's persisted attempts.
 */
export class SettlementChain {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet;

  constructor(
    private readonly config: { rpcUrl: string; chainId: number; tokenAddress: string; privateKey: string },
    private readonly callTimeoutMs: number,
  ) {
    // cacheTimeout -1: ethers otherwise answers an identical request made within 250 ms from its cache, and
    // a stale nonce, receipt or counter is exactly what the settler must never decide on. batchStallTime 0:
    // the reads a step makes together still go as one JSON-RPC batch, without waiting 10 ms for more.
    this.provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: Network.from(config.chainId), cacheTimeout: -1, batchStallTime: 0 });
    this.wallet = new Wallet(config.privateKey);
  }

  get settlerAddress(): string {
    return this.wallet.address;
  }

  /** Races a call against the timeout; the call's own error passes through unchanged. */
  private async timed<T>(what: string, call: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ChainUnreachable(`${what}: no answer within ${this.callTimeoutMs} ms`)), this.callTimeoutMs);
    });
    try {
      return await Promise.race([call(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A read: any failure but a contract revert is the chain being unreachable for this step. */
  private async bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.timed(what, call);
    } catch (error) {
      if (error instanceof ChainUnreachable || isError(error, "CALL_EXCEPTION")) throw error;
      throw new ChainUnreachable(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async nonces(): Promise<{ mined: number; pending: number }> {
    const [mined, pending] = await Promise.all([
      this.bounded("nonce", () => this.provider.getTransactionCount(this.settlerAddress, "latest")),
      this.bounded("pending nonce", () => this.provider.getTransactionCount(this.settlerAddress, "pending")),
    ]);
    return { mined, pending };
  }

  private async read(fn: string): Promise<string> {
    return this.bounded(fn, () => this.provider.call({ to: this.config.tokenAddress, data: tokenInterface.encodeFunctionData(fn, []) }));
  }

  async settledCount(): Promise<number> {
    return Number(tokenInterface.decodeFunctionResult("settledCount", await this.read("settledCount"))[0]);
  }

  async paused(): Promise<boolean> {
    return Boolean(tokenInterface.decodeFunctionResult("paused", await this.read("paused"))[0]);
  }

  async head(): Promise<{ number: number; gasLimit: number }> {
    const block = await this.bounded("head block", () => this.provider.getBlock("latest"));
    if (!block) throw new ChainUnreachable("head block: the node has no latest block");
    return { number: block.number, gasLimit: Number(block.gasLimit) };
  }

  async suggestedFees(): Promise<Fees> {
    const data = await this.bounded("fee data", () => this.provider.getFeeData());
    const maxPriorityFeePerGas = data.maxPriorityFeePerGas ?? 1_000_000_000n;
    return { maxFeePerGas: data.maxFeePerGas ?? maxPriorityFeePerGas * 2n, maxPriorityFeePerGas };
  }

  /** Signs locally: the raw transaction and its hash exist before anything leaves this object. */
  async sign(call: SettlementCall, nonce: number, fees: Fees, gasLimit: number): Promise<{ raw: string; hash: string }> {
    const raw = await this.wallet.signTransaction({
      type: 2,
      chainId: this.config.chainId,
      to: this.config.tokenAddress,
      nonce,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      data: tokenInterface.encodeFunctionData("settle", [call.settlementId, call.recipients, call.amounts]),
    });
    return { raw, hash: keccak256(raw) };
  }

  /** Sends a signed transaction. A transport failure throws ChainUnreachable: the outcome is unknown. */
  async broadcast(raw: string): Promise<BroadcastResult> {
    try {
      await this.timed("broadcast", () => this.provider.send("eth_sendRawTransaction", [raw]));
      return { ok: true };
    } catch (error) {
      if (error instanceof ChainUnreachable) throw error;
      const failure = broadcastFailure(error);
      const message = error instanceof Error ? error.message : String(error);
      if (failure === "known") return { ok: true };
      if (failure === "transport") throw new ChainUnreachable(`broadcast: ${message}`);
      return { ok: false, error: failure, message };
    }
  }

  async receipt(hash: string): Promise<ReceiptRead | null> {
    const receipt = await this.bounded("receipt", () => this.provider.getTransactionReceipt(hash));
    if (!receipt) return null;
    const mints = new Map<string, bigint>();
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.config.tokenAddress.toLowerCase() || log.topics[0] !== transferTopic || log.topics[1] !== zeroTopic) continue;
      const to = `0x${log.topics[2].slice(26)}`.toLowerCase();
      mints.set(to, (mints.get(to) ?? 0n) + BigInt(log.data));
    }
    return { hash, ok: receipt.status === 1, blockNumber: receipt.blockNumber, gasUsed: Number(receipt.gasUsed), mints };
  }

  async known(hash: string): Promise<boolean> {
    return (await this.bounded("transaction", () => this.provider.getTransaction(hash))) !== null;
  }

  /** The hash whose `Settled(settlementId)` log is on chain, searched from `fromBlock`. */
  async settledBy(settlementId: number, fromBlock: number): Promise<string | null> {
    const logs = await this.bounded("Settled logs", () =>
      this.provider.getLogs({ address: this.config.tokenAddress, topics: [settledTopic, zeroPadValue(toBeHex(settlementId), 32)], fromBlock, toBlock: "latest" }),
    );
    return logs.at(-1)?.transactionHash ?? null;
  }

  /** The contract error a settlement would revert with now, by name, or null when it would pass. */
  async replayError(raw: string): Promise<string | null> {
    const tx = Transaction.from(raw);
    try {
      await this.bounded("replay", () => this.provider.call({ from: this.settlerAddress, to: tx.to, data: tx.data, gasLimit: tx.gasLimit }));
      return null;
    } catch (error) {
      if (!isError(error, "CALL_EXCEPTION")) throw error;
      const data = error.data;
      if (!data) return "unknown";
      return tokenInterface.parseError(data)?.name ?? "unknown";
    }
  }
}
