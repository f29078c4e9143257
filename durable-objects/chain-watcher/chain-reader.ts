import { FetchRequest, JsonRpcProvider, Network, dataSlice, getAddress, id } from "ethers";
import type { TokenTransfer } from "../../domain/token-view/holdings";
import type { BlockRef } from "../../domain/token-view/log-window";

/** Every call to the chain gives up after this long: a hung RPC provider never holds the watcher. */
export const chainCallTimeoutMs = 10_000;

/** ERC-20's `Transfer(address indexed from, address indexed to, uint256 value)`. */
const transferTopic = id("Transfer(address,address,uint256)");

export type ChainBlock = BlockRef & { parentHash: string };

/** What the watcher asks of the chain. */
export type ChainReader = {
  head(): Promise<number>;
  block(number: number): Promise<ChainBlock | null>;
  transfers(token: string, fromBlock: number, toBlock: number): Promise<TokenTransfer[]>;
  close(): void;
};

/** A reader over ethers v6: a static network (no detection round trips), no response cache, bounded calls. */
export function ethersChainReader(rpcUrl: string, chainId: number): ChainReader {
  const request = new FetchRequest(rpcUrl);
  request.timeout = chainCallTimeoutMs;
  // cacheTimeout -1: the same block asked twice in a poll (before and after reading logs) must be asked twice.
  const provider = new JsonRpcProvider(request, undefined, { staticNetwork: Network.from(chainId), batchMaxCount: 1, cacheTimeout: -1 });
  return {
    head: () => provider.getBlockNumber(),
    async block(number) {
      const block = await provider.getBlock(number);
      if (!block?.hash) return null;
      return { number: block.number, hash: block.hash, parentHash: block.parentHash };
    },
    async transfers(token, fromBlock, toBlock) {
      const logs = await provider.getLogs({ address: token, topics: [transferTopic], fromBlock, toBlock });
      return logs
        .filter((log) => log.topics.length === 3 && !log.removed)
        .map((log) => ({
          blockNumber: log.blockNumber,
          blockHash: log.blockHash,
          logIndex: log.index,
          txHash: log.transactionHash,
          from: getAddress(dataSlice(log.topics[1], 12)),
          to: getAddress(dataSlice(log.topics[2], 12)),
          value: BigInt(log.data),
        }));
    },
    close: () => provider.destroy(),
  };
}
