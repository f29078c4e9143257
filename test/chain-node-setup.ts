import { type ChildProcess, spawn } from "node:child_process";
import type { TestProject } from "vitest/node";
import { deployRewardToken } from "../contracts/deploy";
import { freePort } from "../scripts/free-port";
import { rpcAnswers, waitFor } from "../scripts/processes";
import { type ChainTestProject, chainTestAccounts, chainTestTokenAddress, chainTestUrlVariable } from "./chain-accounts";

/**
 * Global setup of a workerd project that settles on a real chain: a private hardhat node on
 * 127.0.0.1 with the project's RewardToken deployed at its known address. The worker reaches the node
 * through the test outbound service (test/fake-chain.ts), which reads the URL from the environment.
 */
export function chainNodeSetup(project: ChainTestProject) {
  return async function setup(_project: TestProject) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const node: ChildProcess = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], { stdio: "ignore", detached: true });
    const stop = () => {
      if (node.pid) process.kill(-node.pid, "SIGTERM");
    };
    try {
      await waitFor(`hardhat node on ${url}`, () => rpcAnswers(url), 60_000);
      const token = await deployRewardToken(url, chainTestAccounts[project]);
      if (token.address !== chainTestTokenAddress(project)) throw new Error(`RewardToken deployed at ${token.address}, expected ${chainTestTokenAddress(project)}`);
    } catch (error) {
      stop();
      throw error;
    }
    process.env[chainTestUrlVariable(project)] = url;
    return stop;
  };
}
