import type { BenchClient } from "./client";
import { load, loadBracketed, median, type OutcomeLoad } from "./harness";

export type FlashDropOptions = {
  /** Distinct members, each claiming once per round. */
  members: number;
  /** Units of the reward; exactly this many claims (or every claim, if fewer) must succeed. */
  inventory: number;
  /** Claims in flight; the no-op bursts use the same. */
  concurrency: number;
  rounds: number;
  pointsCost: number;
  /** Points each member gets by an operator adjustment before the first round. */
  pointsPerMember: number;
  /** In flight while enrolling and crediting the members (setup, not measured). */
  setupConcurrency: number;
  settle: () => Promise<void>;
};

const soldOut = "422 out_of_stock";
const issued = "201";

/** The flash drop's knobs from the environment, checked so a bad value fails before the worker does any work. */
export function flashDropOptions(setupConcurrency: number, settle: () => Promise<void>): FlashDropOptions {
  const knob = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
    return value;
  };
  const options = {
    members: knob("BENCH_FLASH_MEMBERS", 2000),
    inventory: knob("BENCH_FLASH_INVENTORY", 100),
    concurrency: knob("BENCH_FLASH_CONCURRENCY", 64),
    rounds: knob("BENCH_FLASH_ROUNDS", 3),
    pointsCost: knob("BENCH_FLASH_COST", 10),
    pointsPerMember: knob("BENCH_FLASH_POINTS", 100),
    setupConcurrency,
    settle,
  };
  // A member may win in every round; every claim must fail for want of stock only, never of points.
  if (options.pointsPerMember < options.pointsCost * options.rounds) {
    throw new Error(`BENCH_FLASH_POINTS (${options.pointsPerMember}) must cover BENCH_FLASH_COST × BENCH_FLASH_ROUNDS (${options.pointsCost * options.rounds})`);
  }
  return options;
}

/** What the first failing setup answer said, so a missing route or a refusal is named, not counted. */
function setupError(step: string, answer: { status: number; json: Record<string, any> }): Error {
  if (answer.status === 404 && answer.json?.error?.code === "route_not_found") {
    return new Error(`flash drop: ${step} is not served by this worker (404 route_not_found); the figure needs it to give members points`);
  }
  return new Error(`flash drop: ${step} answered ${answer.status} ${JSON.stringify(answer.json)}`);
}

/** Enrolls the members and gives each spendable points by an operator adjustment (setup, not measured). */
async function membersWithPoints(client: BenchClient, options: FlashDropOptions): Promise<string[]> {
  const members: string[] = [];
  let firstError: Error | undefined;
  const setUp = async (index: number) => {
    const enrolled = await client.post("/v1/members", { externalRef: `flash-member-${index}` }, { ...client.kiosk, "Idempotency-Key": `flash-enroll-${index}` });
    if (enrolled.status >= 300) throw setupError("POST /v1/members", enrolled);
    const memberId: string = enrolled.json.id;
    const adjusted = await client.post(
      `/v1/members/${memberId}/adjustments`,
      { points: options.pointsPerMember, reason: "bench: flash drop" },
      { ...client.operator, "Idempotency-Key": `flash-adjust-${index}` },
    );
    if (adjusted.status >= 300) throw setupError("POST /v1/members/{id}/adjustments", adjusted);
    members[index] = memberId;
    return true;
  };
  // One member first: a missing route fails here, before thousands of enrollments.
  await setUp(0);
  await load(options.members - 1, options.setupConcurrency, (index) =>
    setUp(index + 1).catch((error: Error) => {
      firstError ??= error;
      return false;
    }),
  );
  if (firstError) throw firstError;
  // The adjustment must make points spendable at once (not pending), or claims fail for want of points.
  for (const memberId of [members[0], members[members.length - 1]]) {
    const view = (await (await fetch(`${client.url}/v1/members/${memberId}`, { headers: client.operator })).json()) as { points?: { available?: number } };
    const available = view.points?.available ?? 0;
    if (available < options.pointsCost * options.rounds) {
      throw new Error(`flash drop: member ${memberId} has ${available} available points after a ${options.pointsPerMember}-point adjustment; claims need ${options.pointsCost * options.rounds}`);
    }
  }
  return members;
}

/** One claim, named by its answer: "201", or the status and error code ("422 out_of_stock", "503 overloaded"). */
async function claim(client: BenchClient, body: { memberId: string; rewardId: string }, idempotencyKey: string): Promise<string> {
  const response = await fetch(`${client.url}/v1/redemptions`, {
    method: "POST",
    headers: { ...client.kiosk, "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status === 201) return issued;
  let code = "no JSON error code";
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? code;
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  return `${response.status} ${code}`;
}

/** Every way a round's answers differ from "exactly `inventory` issued, the rest out of stock". */
function violations(measured: OutcomeLoad, options: FlashDropOptions): string[] {
  const count = (predicate: (outcome: string) => boolean) =>
    Object.entries(measured.outcomes).reduce((sum, [outcome, stats]) => sum + (predicate(outcome) ? stats.count : 0), 0);
  const wins = Math.min(options.inventory, options.members);
  const problems: string[] = [];
  if (count((outcome) => outcome === issued) !== wins) problems.push(`${count((outcome) => outcome === issued)} claims answered 201, expected exactly ${wins}`);
  if (count((outcome) => outcome === soldOut) !== options.members - wins) problems.push(`${count((outcome) => outcome === soldOut)} answered ${soldOut}, expected ${options.members - wins}`);
  const serverErrors = count((outcome) => outcome.startsWith("5"));
  if (serverErrors > 0) problems.push(`${serverErrors} answered 5xx`);
  const limited = count((outcome) => outcome.startsWith("429"));
  if (limited > 0) problems.push(`${limited} answered 429`);
  const other = Object.keys(measured.outcomes).filter((outcome) => ![issued, soldOut].includes(outcome) && !outcome.startsWith("5") && !outcome.startsWith("429"));
  if (other.length > 0) problems.push(`unexpected answers: ${other.map((outcome) => `${measured.outcomes[outcome].count} × ${outcome}`).join(", ")}`);
  return problems;
}

type FlashRound = {
  claimsVsNoop: number;
  p99VsNoopBurst: number;
  soldOutP50VsNoop: number;
  claimsPerSecond: number;
  noopPerSecond: number;
  claimsP99Ms: number;
  noopP99Ms: number;
  soldOutP50Ms: number;
  noopP50Ms: number;
  issuedP50Ms: number;
  issuedP99Ms: number;
  /** Answers by outcome ("201", "422 out_of_stock", …). */
  outcomes: Record<string, number>;
  violations: string[];
};

const tally = (measured: OutcomeLoad) =>
  Object.entries(measured.outcomes)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([outcome, stats]) => `${stats.count} × ${outcome}`)
    .join(", ");

/**
 * A flash drop: one reward with little stock claimed by many members at once. Each round claims a
 * fresh reward between two no-op bursts of the same size; the claims rotate over the members so a
 * different hundred or so win each round.
 */
export async function flashDrop(client: BenchClient, options: FlashDropOptions) {
  console.log(`bench: flash drop — enrolling ${options.members} members and giving each ${options.pointsPerMember} points (setup, not measured)…`);
  const members = await membersWithPoints(client, options);
  await options.settle();

  console.log(`bench: flash drop — ${options.rounds} rounds: ${options.members} members claim a reward with ${options.inventory} units, ${options.concurrency} in flight`);
  const rounds: FlashRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const reward = await client.post(
      `/v1/programs/${client.programId}/rewards`,
      { name: `Flash drop ${round + 1}`, type: "free_item", pointsCost: options.pointsCost, inventory: options.inventory },
      { ...client.operator, "Idempotency-Key": `flash-reward-${round}` },
    );
    if (reward.status !== 201) throw setupError("POST /v1/programs/{id}/rewards", reward);
    const rewardId: string = reward.json.id;
    const { baseline, measured } = await loadBracketed(options.members, options.concurrency, client.noop, (index) =>
      claim(client, { memberId: members[(index + round * options.inventory) % members.length], rewardId }, `flash-${round}-${index}`),
    );
    await options.settle();
    const entry: FlashRound = {
      claimsVsNoop: measured.perSecond / baseline.perSecond,
      p99VsNoopBurst: measured.p99Ms / baseline.p99Ms,
      soldOutP50VsNoop: (measured.outcomes[soldOut]?.p50Ms ?? Number.NaN) / baseline.p50Ms,
      claimsPerSecond: measured.perSecond,
      noopPerSecond: baseline.perSecond,
      claimsP99Ms: measured.p99Ms,
      noopP99Ms: baseline.p99Ms,
      soldOutP50Ms: measured.outcomes[soldOut]?.p50Ms ?? Number.NaN,
      noopP50Ms: baseline.p50Ms,
      issuedP50Ms: measured.outcomes[issued]?.p50Ms ?? Number.NaN,
      issuedP99Ms: measured.outcomes[issued]?.p99Ms ?? Number.NaN,
      outcomes: Object.fromEntries(Object.entries(measured.outcomes).map(([outcome, stats]) => [outcome, stats.count])),
      violations: violations(measured, options),
    };
    rounds.push(entry);
    console.log(
      `  round ${round + 1} flash drop ${measured.perSecond.toFixed(0)} vs ${baseline.perSecond.toFixed(0)} req/s → ${entry.claimsVsNoop.toFixed(2)}, p99 ×${entry.p99VsNoopBurst.toFixed(2)}, sold-out p50 ×${entry.soldOutP50VsNoop.toFixed(2)} (${tally(measured)})`,
    );
    for (const problem of entry.violations) console.error(`  FLASH DROP FAILED, round ${round + 1}: ${problem}`);
  }

  const mid = (pick: (entry: FlashRound) => number) => median(rounds.map(pick));
  return {
    ratios: {
      claimsPerSecondVsNoop: mid((entry) => entry.claimsVsNoop),
      claimsP99VsNoopBurstP99: mid((entry) => entry.p99VsNoopBurst),
      soldOutP50VsNoopP50: mid((entry) => entry.soldOutP50VsNoop),
    },
    context: {
      claimsPerSecond: mid((entry) => entry.claimsPerSecond),
      noopPerSecond: mid((entry) => entry.noopPerSecond),
      claimsP99Ms: mid((entry) => entry.claimsP99Ms),
      noopBurstP99Ms: mid((entry) => entry.noopP99Ms),
      soldOutP50Ms: mid((entry) => entry.soldOutP50Ms),
      noopP50Ms: mid((entry) => entry.noopP50Ms),
      issuedP50Ms: mid((entry) => entry.issuedP50Ms),
      issuedP99Ms: mid((entry) => entry.issuedP99Ms),
    },
    setup: { members: options.members, inventory: options.inventory, concurrency: options.concurrency, rounds: options.rounds, pointsCost: options.pointsCost, pointsPerMember: options.pointsPerMember },
    rounds,
    meetsTarget: rounds.every((entry) => entry.violations.length === 0),
  };
}

export type FlashDropResult = Awaited<ReturnType<typeof flashDrop>>;

/** Ratios first, absolute numbers for context, then the verdict on the answers. */
export function printFlashDrop(result: FlashDropResult): void {
  const { ratios, context, setup } = result;
  const wins = Math.min(setup.inventory, setup.members);
  console.log(`\nflash drop: ${setup.members} members claim ${setup.inventory} units, ${setup.concurrency} in flight (median of ${setup.rounds} rounds)   ratio   (context)`);
  console.log(`  claims req/s ÷ no-op req/s                                          ${ratios.claimsPerSecondVsNoop.toFixed(2)}    ${context.claimsPerSecond.toFixed(0)} vs ${context.noopPerSecond.toFixed(0)} req/s`);
  console.log(`  claims p99 ÷ p99 of a ${setup.members}-request no-op burst                     ${ratios.claimsP99VsNoopBurstP99.toFixed(2)}×   ${context.claimsP99Ms.toFixed(1)} vs ${context.noopBurstP99Ms.toFixed(1)} ms (issued: p50 ${context.issuedP50Ms.toFixed(1)}, p99 ${context.issuedP99Ms.toFixed(1)} ms)`);
  console.log(`  sold-out p50 ÷ no-op p50 (should cost about as little as a no-op)   ${ratios.soldOutP50VsNoopP50.toFixed(2)}×   ${context.soldOutP50Ms.toFixed(1)} vs ${context.noopP50Ms.toFixed(1)} ms`);
  console.log(
    result.meetsTarget
      ? `  answers: every round exactly ${wins} × 201, ${setup.members - wins} × ${soldOut}, no 5xx, no 429`
      : `  ANSWERS WRONG: ${result.rounds.flatMap((entry, index) => entry.violations.map((problem) => `round ${index + 1}: ${problem}`)).join("; ")}`,
  );
}
