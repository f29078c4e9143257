import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";
import { waitFor } from "../scripts/processes";

export const benchOperatorToken = "bench-operator-token";

/**
 * A private `wrangler dev` on 127.0.0.1 with a fresh, migrated state directory. `vars(url)` adds
 * `--var` overrides that may name the worker's own address (the port is only known here), e.g. an
 * APP_ORIGIN the bench's sockets can send as their Origin.
 */
export async function startWorker(vars: (url: string) => Record<string, string> = () => ({})): Promise<{ url: string; stop: () => void }> {
  const stateDir = mkdtempSync(path.join(tmpdir(), "loyalty-bench-"));
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const overrides = Object.entries({ OPERATOR_TOKEN: benchOperatorToken, ...vars(url) }).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir, ...overrides, "--show-interactive-dev-session=false"], {
    detached: true,
    stdio: "ignore",
  });
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

/** How a figure runs: rounds of alternating slices against the no-op, and the pause after it. */
export type RoundOptions = {
  rounds: number;
  requestsPerRound: number;
  slicesPerRound: number;
  concurrency: number;
  settle: () => Promise<void>;
};

export type LoadResult = { requests: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number; failures: number };
type Run = { seconds: number; latencies: number[]; failures: number };
type Sample = { ms: number; outcome: string };
type TaggedRun = { seconds: number; samples: Sample[] };

/** Sends `total` requests with `concurrency` in flight; `request(i)` names the answer it got (a status, an error code). */
async function runTagged(total: number, concurrency: number, request: (index: number) => Promise<string>): Promise<TaggedRun> {
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        const outcome = await request(index).catch((error: unknown) => `network error: ${error instanceof Error ? error.message : String(error)}`);
        samples.push({ ms: performance.now() - t0, outcome });
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, samples };
}

/** Sends `total` requests with `concurrency` in flight; `request(i)` returns whether the answer was right. */
async function run(total: number, concurrency: number, request: (index: number) => Promise<boolean>): Promise<Run> {
  const tagged = await runTagged(total, concurrency, async (index) => ((await request(index)) ? "ok" : "failed"));
  return {
    seconds: tagged.seconds,
    latencies: tagged.samples.map((sample) => sample.ms),
    failures: tagged.samples.filter((sample) => sample.outcome !== "ok").length,
  };
}

/** The `q` quantile of latencies sorted ascending (NaN when there are none). */
function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summarize(runs: Run[]): LoadResult {
  const latencies = runs.flatMap((entry) => entry.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, entry) => sum + entry.seconds, 0);
  const failures = runs.reduce((sum, entry) => sum + entry.failures, 0);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), failures };
}

export type OutcomeStats = { count: number; p50Ms: number; p99Ms: number };
/** A load whose answers are told apart by outcome, with the latency of each outcome on its own. */
export type OutcomeLoad = Omit<LoadResult, "failures"> & { outcomes: Record<string, OutcomeStats> };

function summarizeOutcomes(tagged: TaggedRun): OutcomeLoad {
  const sorted = (samples: Sample[]) => samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const all = sorted(tagged.samples);
  const outcomes: Record<string, OutcomeStats> = {};
  for (const outcome of new Set(tagged.samples.map((sample) => sample.outcome))) {
    const latencies = sorted(tagged.samples.filter((sample) => sample.outcome === outcome));
    outcomes[outcome] = { count: latencies.length, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
  }
  return { requests: all.length, seconds: tagged.seconds, perSecond: all.length / tagged.seconds, p50Ms: quantile(all, 0.5), p99Ms: quantile(all, 0.99), outcomes };
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

/** A throughput figure over several rounds, as `npm run bench` reports it: the median ratio, and the measured side's medians. */
export type RatioFigure = { ratio: number; target: number; meetsTarget: boolean; perSecond: number; noopPerSecond: number; p50Ms: number; p99Ms: number; rounds: number[]; failures: number };

/**
 * Rounds of `loadAlternating` (figure vs baseline), each printed as it ends, with `settle` between
 * them (the Queue's D1 work a round leaves is not billed to the next). The figure meets its target
 * when its median ratio reaches `target` with no failed answer: a failure timed other work.
 */
export async function ratioRounds(options: {
  name: string;
  target: number;
  rounds: number;
  slicesPerRound: number;
  perSlice: number;
  concurrency: number;
  baseline: () => Promise<boolean>;
  measured: () => Promise<boolean>;
  settle: () => Promise<void>;
}): Promise<RatioFigure> {
  const runs = { baseline: [] as LoadResult[], measured: [] as LoadResult[], ratios: [] as number[] };
  for (let round = 1; round <= options.rounds; round++) {
    const { baseline, measured } = await loadAlternating(options.slicesPerRound, options.perSlice, options.concurrency, options.baseline, options.measured);
    runs.baseline.push(baseline);
    runs.measured.push(measured);
    runs.ratios.push(measured.perSecond / baseline.perSecond);
    await options.settle();
    console.log(`  round ${round} ${options.name.padEnd(38)} ${measured.perSecond.toFixed(0)} vs ${baseline.perSecond.toFixed(0)} req/s → ${(measured.perSecond / baseline.perSecond).toFixed(2)} (failures ${measured.failures})`);
  }
  const failures = runs.measured.reduce((sum, run) => sum + run.failures, 0);
  const ratio = median(runs.ratios);
  return {
    ratio,
    target: options.target,
    meetsTarget: failures === 0 && ratio >= options.target,
    perSecond: median(runs.measured.map((run) => run.perSecond)),
    noopPerSecond: median(runs.baseline.map((run) => run.perSecond)),
    p50Ms: median(runs.measured.map((run) => run.p50Ms)),
    p99Ms: median(runs.measured.map((run) => run.p99Ms)),
    rounds: runs.ratios,
    failures,
  };
}

/**
 * A one-shot figure between two baseline runs of the same size (baseline, figure, baseline), for a
 * figure that cannot be cut into alternating slices (a flash drop sells out once): drift before
 * and after it falls on the baseline too. The baseline pools both runs.
 */
export async function loadBracketed(
  total: number,
  concurrency: number,
  baseline: () => Promise<boolean>,
  measured: (index: number) => Promise<string>,
): Promise<{ baseline: LoadResult; measured: OutcomeLoad }> {
  const before = await run(total, concurrency, baseline);
  const figure = await runTagged(total, concurrency, measured);
  const after = await run(total, concurrency, baseline);
  return { baseline: summarize([before, after]), measured: summarizeOutcomes(figure) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
