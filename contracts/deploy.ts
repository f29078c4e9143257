import { ContractFactory, JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";
import { compileContract } from "./compile";

export const localChainId = 31337;

export function localProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: Network.from(localChainId) });
}

/** Compiles and deploys the reward token; the deployer becomes its owner (the settler). */
export async function deployRewardToken(rpcUrl: string, privateKey: string) {
  const { abi, bytecode } = compileContract("RewardToken");
  const signer = new NonceManager(new Wallet(privateKey, localProvider(rpcUrl)));
  const factory = new ContractFactory(abi as never[], bytecode, signer);
  const contract = await factory.deploy(await signer.getAddress());
  await contract.waitForDeployment();
  return { address: await contract.getAddress(), abi, signer };
}
