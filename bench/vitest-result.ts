import { spawn } from "node:child_process";

/**
 * Runs a vitest project (the bench's in-process figures: inside workerd, or on the hardhat node) and
 * reads each marked result line it prints (`MARKER {json}`). A test that missed its target still
 * prints its line; `passed` says whether every test passed. Rejects when a marker printed nothing.
 */
export function vitestResults<Marker extends string>(args: string[], markers: readonly Marker[], env: Record<string, string> = {}): Promise<{ results: Record<Marker, unknown>; passed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn("vitest", ["run", ...args, "--reporter", "dot"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const results = {} as Record<Marker, unknown>;
      for (const marker of markers) {
        const prefix = `${marker} `;
        const line = output.split("\n").find((candidate) => candidate.includes(prefix));
        if (line === undefined) return reject(new Error(`vitest ${args.join(" ")} printed no ${marker} line (exit ${code}):\n${output.slice(-4000)}`));
        results[marker] = JSON.parse(line.slice(line.indexOf(prefix) + prefix.length));
      }
      resolve({ results, passed: code === 0 });
    });
  });
}
