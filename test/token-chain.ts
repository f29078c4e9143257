import { env } from "cloudflare:workers";
import { rewardTokenAbi } from "../contracts/reward-token-abi";
import { Contract, type ContractTransactionResponse, JsonRpcProvider, Network, Wallet, parseEther } from "ethers";

/**
 * The workerd-chain tests' hands on the real hardhat node (CHAIN_RPC_URL): settle and move reward tokens
 * as the settler and as members' wallets, and drive the node (snapshots, reverts, blocks). Files of that
 * project share the chain and its settlement counter, so a settlement reads `settledCount()` right before.
 */

/** cacheTimeout -1: ethers would otherwise answer a repeated read (a nonce, a block) from a 250 ms cache. */
export const chainProvider = () => new JsonRpcProvider(env.CHAIN_RPC_URL, undefined, { staticNetwork: Network.from(Number(env.CHAIN_ID)), cacheTimeout: -1 });

export const token = (signer: Wallet) => new Contract(env.TOKEN_ADDRESS, rewardTokenAbi, signer);

/** One whole token in base units. */
export const oneToken = 10n ** 18n;

/** Mints to the recipients in one settlement (the next id) and waits for it to be mined; answers its block. */
export async function settleTo(recipients: string[], amounts: bigint[]): Promise<number> {
  const settler = new Wallet(env.SETTLER_PRIVATE_KEY, chainProvider());
  const contract = token(settler);
  const next = (await contract.settledCount()) + 1n;
  const receipt = await (await contract.settle(next, recipients, amounts)).wait();
  if (!receipt || receipt.status !== 1) throw new Error(`settlement ${next} failed`);
  return receipt.blockNumber;
}

/** Sends the next settlement without waiting for it (a faulty chain may reorg it away): answers its hash. */
export async function sendSettlement(recipients: string[], amounts: bigint[]): Promise<string> {
  const contract = token(new Wallet(env.SETTLER_PRIVATE_KEY, chainProvider()));
  const sent: ContractTransactionResponse = await contract.settle((await contract.settledCount()) + 1n, recipients, amounts);
  return sent.hash;
}

/** A wallet's token balance on chain now. */
export async function balanceOnChain(address: string): Promise<bigint> {
  return token(new Wallet(env.SETTLER_PRIVATE_KEY, chainProvider())).balanceOf(address);
}

/** A new wallet with gas money (hardhat_setBalance), on the test chain only. */
export async function fundedWallet(): Promise<Wallet> {
  const wallet = Wallet.createRandom().connect(chainProvider());
  await chainRpc("hardhat_setBalance", [wallet.address, `0x${parseEther("10").toString(16)}`]);
  return new Wallet(wallet.privateKey, chainProvider());
}

/** Sends tokens from a wallet and waits for the block; answers its number. */
export async function transferTokens(from: Wallet, to: string, amount: bigint): Promise<number> {
  const sent: ContractTransactionResponse = await token(from).transfer(to, amount);
  const receipt = await sent.wait();
  if (!receipt || receipt.status !== 1) throw new Error("transfer failed");
  return receipt.blockNumber;
}

/** A raw JSON-RPC call to the node (evm_snapshot, evm_revert, evm_mine, hardhat_setBalance). */
export async function chainRpc(method: string, params: unknown[] = []): Promise<unknown> {
  return chainProvider().send(method, params);
}
