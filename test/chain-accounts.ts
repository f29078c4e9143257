import { Wallet, getCreateAddress } from "ethers";

/**
 * Hardhat's well-known dev accounts (local chains only, never a real network): which one signs
 * settlements in which workerd test project. Each project has its own hardhat node and deploys its
 * own RewardToken from its settler key at nonce 0, so the token's address is known before the node
 * starts and can be a binding in vitest.config.ts.
 */
export const chainTestAccounts = {
  /** The end-to-end settlement tests (project workerd-chain). */
  chain: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  /** The fault-injection run (project workerd-chain-faults). */
  faults: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const;

export type ChainTestProject = keyof typeof chainTestAccounts;

/** The RewardToken a project's settler key deploys first (nonce 0). */
export function chainTestTokenAddress(project: ChainTestProject): string {
  return getCreateAddress({ from: new Wallet(chainTestAccounts[project]).address, nonce: 0 });
}

/** Where the test outbound service forwards a project's chain host; set by its global setup. */
export const chainTestUrlVariable = (project: ChainTestProject) => `TEST_CHAIN_URL_${project.toUpperCase()}`;

/** The chain hosts the workerd projects' CHAIN_RPC_URL name (test/fake-chain.ts forwards them). */
export const chainTestHosts: Record<ChainTestProject, string> = { chain: "http://hardhat.test", faults: "http://faulty-chain.test" };
