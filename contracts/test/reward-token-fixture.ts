import { Contract, JsonRpcProvider, Network, Wallet, isError, isHexString } from "ethers";
import { deployRewardToken, localChainId } from "../deploy";

/**
 * Hardhat's well-known dev accounts (local chain only). Test files run in parallel against one node, so each
 * file sends from its own accounts: contract-wallet-sign-in uses #2, reward-token-gas #3, reward-token the rest.
 */
export const devKeys = {
  admin: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", // #0
  stranger: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", // #1
  gasSettler: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", // #3
  settler: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a", // #4
  pauser: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba", // #5
  holders: [
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e", // #6
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356", // #7
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97", // #8
  ],
} as const;

/**
 * A wallet whose provider caches nothing: ethers caches identical requests for 250 ms by default, so two quick
 * sends would read the same pending nonce and the second would be refused as "nonce too low".
 */
export const wallet = (rpcUrl: string, key: string) =>
  new Wallet(key, new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: Network.from(localChainId), cacheTimeout: -1 }));

/** Deploys a fresh token with the given role holders; returns it connected to the admin. */
export async function deployToken(rpcUrl: string, deployerKey: string, roles: { settler: string; pauser: string }) {
  const deployer = wallet(rpcUrl, deployerKey);
  const deployed = await deployRewardToken(rpcUrl, deployerKey, { admin: deployer.address, ...roles });
  // A plain Wallet from here on: it asks the node for the nonce, so a refused call leaves no gap.
  return new Contract(deployed.address, deployed.abi as never[], deployer);
}

/** The token connected to another key. */
export const as = (token: Contract, signer: Wallet) => token.connect(signer) as Contract;

/**
 * The custom error a call reverted with, decoded with the token's ABI. Pass a `staticCall` (eth_call): the
 * node returns the revert data as the call's error, and nothing is sent, so no nonce is spent.
 */
export async function revertOf(token: Contract, call: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await call;
  } catch (error) {
    const data = isError(error, "CALL_EXCEPTION") ? error.data : undefined;
    if (typeof data !== "string" || !isHexString(data)) throw error;
    const decoded = token.interface.parseError(data);
    if (!decoded) throw new Error(`revert data ${data} matches no error in the RewardToken ABI`);
    return { name: decoded.name, args: [...decoded.args] };
  }
  throw new Error("the call did not revert");
}

/** Sends a settlement and waits for its receipt. */
export async function settle(token: Contract, id: bigint, recipients: string[], amounts: bigint[]) {
  const receipt = await (await token.settle(id, recipients, amounts)).wait();
  if (!receipt || receipt.status !== 1) throw new Error(`settlement ${id} failed`);
  return receipt;
}

/** The id the next settlement must carry. */
export const nextId = async (token: Contract): Promise<bigint> => (await token.settledCount()) + 1n;
