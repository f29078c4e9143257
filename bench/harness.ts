import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";
import { waitFor } from "../scripts/processes";

export const benchOperatorToken = "bench-operator-token";

/** A private `wrangler dev` on 127.0.0.1 with a fresh, migrated state directory. */
export async function startWorker(): Promise<{ url: string; stop: () => void }> {
  const stateDir = mkdtempSync(path.join(tmpdir(), "loyalty-bench-"));
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const port = await freePort();
  const child = spawn(
    "wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir, "--var", `OPERATOR_TOKEN:${benchOperatorToken}`, "--show-interactive-dev-session=false"],
    { detached: true, stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already stopped
    }
  };
  process.on("exit", stop);
  await waitFor("wrangler dev", async () => (await fetch(`${url}/health`)).ok, 120_000).catch((error) => {
    stop();
    throw error;
  });
  return { url, stop };
}

export type LoadResult = { requests: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number; failures: number };
type Run = { seconds: number; latencies: number[]; failures: number };

/** Sends `total` requests with `concurrency` in flight; `request(i)` returns whether the answer was right. */
async function run(total: number, concurrency: number, request: (index: number) => Promise<boolean>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        const ok = await request(index).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, failures };
}

function summarize(runs: Run[]): LoadResult {
  const latencies = runs.flatMap((entry) => entry.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, entry) => sum + entry.seconds, 0);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const failures = runs.reduce((sum, entry) => sum + entry.failures, 0);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), failures };
}

export async function load(total: number, concurrency: number, request: (index: number) => Promise<boolean>): Promise<LoadResult> {
  return summarize([await run(total, concurrency, request)]);
}

/**
 * A figure and its baseline in alternating slices (baseline, figure, baseline, …), each timed on
 * its own: the host's slow and fast moments then fall on both sides alike, not on one.
 */
export async function loadAlternating(
  slices: number,
  perSlice: number,
  concurrency: number,
  baseline: () => Promise<boolean>,
  measured: () => Promise<boolean>,
): Promise<{ baseline: LoadResult; measured: LoadResult }> {
  const runs = { baseline: [] as Run[], measured: [] as Run[] };
  for (let slice = 0; slice < slices; slice++) {
    runs.baseline.push(await run(perSlice, concurrency, baseline));
    runs.measured.push(await run(perSlice, concurrency, measured));
  }
  return { baseline: summarize(runs.baseline), measured: summarize(runs.measured) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
