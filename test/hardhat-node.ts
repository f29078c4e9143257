import { type ChildProcess, spawn } from "node:child_process";
import type { TestProject } from "vitest/node";
import { freePort } from "../scripts/free-port";
import { rpcAnswers, waitFor } from "../scripts/processes";

declare module "vitest" {
  export interface ProvidedContext {
    chainRpcUrl: string;
  }
}

/** Starts a private hardhat node on 127.0.0.1 for the contract tests and stops it afterwards. */
export default async function setup(project: TestProject) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node: ChildProcess = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    stdio: "ignore",
    detached: true,
  });
  await waitFor(`hardhat node on ${url}`, () => rpcAnswers(url), 60_000);
  project.provide("chainRpcUrl", url);
  return () => {
    if (node.pid) process.kill(-node.pid, "SIGTERM");
  };
}
