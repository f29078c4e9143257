import { mkdirSync, writeFileSync } from "node:fs";
import { benchOperatorToken, load, median, startWorker } from "./harness";

/**
 * `npm run bench`: figures as ratios to a baseline measured in the same run on the same worker
 * (machines are noisy; absolute numbers are printed for context only). Rounds alternate between
 * the baseline and each figure so drift hits both alike; the median ratio is reported.
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const requestsPerRound = Number(process.env.BENCH_REQUESTS ?? 600);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

const worker = await startWorker();
const operator = { Authorization: `Bearer ${benchOperatorToken}`, "Content-Type": "application/json" };
const post = (route: string, body: unknown, headers: Record<string, string> = operator) =>
  fetch(`${worker.url}${route}`, { method: "POST", headers, body: JSON.stringify(body) });

const program = (await (await post("/v1/programs", { name: "Bench", preset: "restaurant" })).json()) as { id: string };
const venue = (await (await post(`/v1/programs/${program.id}/venues`, { name: "Bench venue" })).json()) as { id: string };
const { key } = (await (await post(`/v1/venues/${venue.id}/keys`, {})).json()) as { key: string };
const kiosk = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

const noop = async () => (await fetch(`${worker.url}/health`)).status === 200;
let enrollment = 0;
const enroll = async () => {
  const n = enrollment++;
  const response = await post("/v1/members", { externalRef: `bench-${n}`, email: `bench-${n}@example.com` }, { ...kiosk, "Idempotency-Key": `bench-${n}` });
  await response.arrayBuffer();
  return response.status === 201;
};

console.log(`bench: ${rounds} rounds × ${requestsPerRound} requests, ${concurrency} in flight, wrangler dev on 127.0.0.1`);
await load(200, concurrency, noop);
await load(100, concurrency, enroll);

const ratios: number[] = [];
const baselines = [];
const enrollments = [];
for (let round = 1; round <= rounds; round++) {
  const baseline = await load(requestsPerRound, concurrency, noop);
  const measured = await load(requestsPerRound, concurrency, enroll);
  baselines.push(baseline);
  enrollments.push(measured);
  ratios.push(measured.perSecond / baseline.perSecond);
  console.log(
    `  round ${round}: no-op ${baseline.perSecond.toFixed(0)} req/s, enrollment ${measured.perSecond.toFixed(0)} req/s (p99 ${measured.p99Ms.toFixed(1)} ms, failures ${measured.failures}) → ratio ${(measured.perSecond / baseline.perSecond).toFixed(2)}`,
  );
}
worker.stop();

const result = {
  enrollmentVsNoop: { ratio: median(ratios), target: null },
  context: {
    noopPerSecond: median(baselines.map((entry) => entry.perSecond)),
    enrollmentPerSecond: median(enrollments.map((entry) => entry.perSecond)),
    enrollmentP99Ms: median(enrollments.map((entry) => entry.p99Ms)),
    failures: enrollments.reduce((sum, entry) => sum + entry.failures, 0),
  },
};
console.log(`
figure                                   ratio   (context)
enrollment req/s ÷ no-op req/s           ${result.enrollmentVsNoop.ratio.toFixed(2)}    ${result.context.enrollmentPerSecond.toFixed(0)} vs ${result.context.noopPerSecond.toFixed(0)} req/s, enrollment p99 ${result.context.enrollmentP99Ms.toFixed(1)} ms`);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", JSON.stringify(result, null, 2));
if (result.context.failures > 0) {
  console.error(`${result.context.failures} enrollments failed`);
  process.exit(1);
}
process.exit(0);
