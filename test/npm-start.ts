import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";

export type Started = { child: ChildProcess; output: () => string };

/** Ports and a state folder of its own, so a test's `npm start` never meets another's. */
export async function isolatedStartEnv(): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    CHAIN_PORT: String(await freePort()),
    STATE_DIR: path.join(mkdtempSync(path.join(tmpdir(), "loyalty-start-")), "state"),
  };
}

/** Runs `npm start` as a user would and waits until it prints that everything is running. */
export async function npmStart(env: Record<string, string>): Promise<Started> {
  const child = spawn("npm", ["start"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Ctrl-C stops everything")) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited early:\n${output}`));
      }
    }, 250);
  });
  return { child, output: () => output };
}

export const isRunning = (started: Started) => started.child.exitCode === null && started.child.signalCode === null;

/** Ctrl-C, as a user stops it: every process it started stops too. */
export async function stopNpmStart(started: Started): Promise<void> {
  if (!isRunning(started)) return;
  const exited = new Promise((resolve) => started.child.on("exit", resolve));
  process.kill(-started.child.pid!, "SIGINT");
  await exited;
}
