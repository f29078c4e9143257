import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";

/**
 * Children of `npm start`. Each runs in its own process group so Ctrl-C (or a crash of one of them)
 * stops every process it started too, not only the npx/node wrapper.
 */
export class ProcessGroup {
  private readonly children: { name: string; child: ChildProcess }[] = [];
  private stopping = false;

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(signal, () => {
        console.log(`\n${signal}: stopping ${this.children.map((entry) => entry.name).join(", ")}`);
        this.stopAll();
        process.exit(0);
      });
    }
    process.on("exit", () => this.stopAll());
  }

  /** Starts a command; its output goes to `<logDir>/<name>.log`, and also to the terminal when `echo` is set. */
  start(name: string, command: string, args: string[], options: { echo?: boolean; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
    const logFile = path.join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: "a" });
    const child = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        log.write(chunk);
        if (options.echo) for (const line of chunk.toString().split("\n")) if (line.trim()) console.log(`[${name}] ${line}`);
      });
    }
    child.on("exit", (code, signal) => {
      if (this.stopping) return;
      console.error(`${name} exited (${signal ?? `code ${code}`}); see ${logFile}. Stopping the rest.`);
      this.stopAll();
      process.exit(1);
    });
    this.children.push({ name, child });
    return child;
  }

  stopAll(): void {
    this.stopping = true;
    for (const { child } of this.children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Polls until `probe` resolves true, or fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

export async function rpcAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });
  return response.ok;
}
