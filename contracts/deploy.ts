import { ContractFactory, JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";
import { compileContract } from "./compile";

export const localChainId = 31337;

export function localProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: Network.from(localChainId) });
}

/** Who holds each of the token's roles; any left out goes to the deploying key. */
export type RewardTokenRoles = { admin?: string; settler?: string; pauser?: string };

/**
 * Compiles and deploys the reward token. In dev (`npm start`) the settler key deploys and holds all
 * three roles (admin, settler, pauser); a production deploy names a separate admin and pauser.
 */
export async function deployRewardToken(rpcUrl: string, privateKey: string, roles: RewardTokenRoles = {}) {
  const { abi, bytecode } = compileContract("RewardToken");
  const signer = new NonceManager(new Wallet(privateKey, localProvider(rpcUrl)));
  const deployer = await signer.getAddress();
  const factory = new ContractFactory(abi as never[], bytecode, signer);
  const contract = await factory.deploy(roles.admin ?? deployer, roles.settler ?? deployer, roles.pauser ?? deployer);
  await contract.waitForDeployment();
  return { address: await contract.getAddress(), abi, signer };
}
