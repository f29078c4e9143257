import type { BenchClient } from "./client";
import { type RoundOptions, load, ratioRounds } from "./harness";

export type ActionOptions = RoundOptions & {
  /** Members the credits are spread over, each enrolled and credited once before timing. */
  members: number;
};

const target = 0.5;
const actionKind = "bench_action";

/** The action figure's knobs, checked before the worker starts so a bad value costs nothing. */
export function actionOptions(base: Omit<ActionOptions, "members">): ActionOptions {
  // 100 by default, like the purchase figure's regulars: an active community's members come back
  // every second or so, so their actors stay in memory. A pool, not one member, because one
  // member's actor would serialize every credit; not thousands, because then the figure would time
  // local workerd's cost of reaching many objects (the purchase figure's "spread" line shows it).
  const members = Number(process.env.BENCH_ACTION_MEMBERS ?? 100);
  if (!Number.isInteger(members) || members < base.concurrency) throw new Error(`BENCH_ACTION_MEMBERS must be an integer ≥ BENCH_CONCURRENCY (${base.concurrency}), got ${process.env.BENCH_ACTION_MEMBERS}`);
  return { ...base, members };
}

type SqlStats = { statements: number; rowsRead: number; rowsWritten: number };

/**
 * Action credit: `POST /v1/members/{id}/actions` with the operator token, a ratio to the no-op
 * measured in alternating slices, then the SQL one credit costs inside the actor.
 *
 * Steady-state crediting, not rejections: the program is a `community` preset whose operator-defined
 * kind `bench_action` has no cooldown and no daily cap (overrides deep-merge, so the preset's own
 * kinds stay), and every request names a new `sourceId`, so each one is a real credit (201). Any
 * other answer is a failure.
 */
export async function actionFigures(client: BenchClient, options: ActionOptions) {
  const { rounds, requestsPerRound, slicesPerRound, concurrency, settle } = options;
  const { url, post, noop, operator } = client;

  const program = await post("/v1/programs", {
    name: "Bench actions",
    preset: "community",
    overrides: { community: { actions: { [actionKind]: { points: 10, cooldownMinutes: 0, dailyCap: null } } } },
  });
  if (program.status !== 201) throw new Error(`action figure: creating a community program answered ${program.status} ${JSON.stringify(program.json)}`);
  const programId: string = program.json.id;

  console.log(`bench: enrolling ${options.members} members of a community program for the action figure (setup, not measured)…`);
  const members: string[] = [];
  let enrollRefused: string | undefined;
  await load(options.members, concurrency, async (index) => {
    const enrolled = await post("/v1/members", { programId, externalRef: `bench-action-member-${index}` }, { ...operator, "Idempotency-Key": `bench-action-enroll-${index}` });
    if (enrolled.status !== 201) enrollRefused ??= `${enrolled.status} ${JSON.stringify(enrolled.json)}`;
    else members[index] = enrolled.json.id;
    return enrolled.status === 201;
  });
  if (enrollRefused) throw new Error(`action figure: POST /v1/members answered ${enrollRefused}`);

  // The first failed answer, so a failure names its cause rather than only counting.
  let firstFailure: string | undefined;
  let actionCount = 0;
  const creditFor = async (memberId: string) => {
    const n = actionCount++;
    const response = await fetch(`${url}/v1/members/${memberId}/actions`, {
      method: "POST",
      headers: { ...operator, "Idempotency-Key": `bench-action-${n}` },
      body: JSON.stringify({ kind: actionKind, sourceId: `bench-source-${n}` }),
    });
    const body = await response.text();
    if (response.status !== 201) firstFailure ??= `${response.status} ${body.slice(0, 200)}`;
    return response.status === 201;
  };
  const credit = () => creditFor(members[Math.floor(Math.random() * members.length)]);

  // Members have history in a running program: each gets one credit before the measured ones (its
  // first write stores the program's rules), then a warm-up over the pool.
  let firstIndex = 0;
  const firstCredits = await load(members.length, concurrency, () => creditFor(members[firstIndex++]));
  if (firstFailure) throw new Error(`action figure: the first credit (POST /v1/members/{id}/actions) answered ${firstFailure}`);
  await settle();
  await load(200, concurrency, noop);
  await load(100, concurrency, credit);
  firstFailure = undefined; // the warm-up's failures are not the figure's

  const name = "action credit req/s ÷ no-op req/s";
  const perSlice = Math.ceil(requestsPerRound / slicesPerRound);
  console.log(`bench: action credit, ${rounds} rounds × ${perSlice * slicesPerRound} requests, ${concurrency} in flight, ${members.length} members`);
  const figure = await ratioRounds({ name, target, rounds, slicesPerRound, perSlice, concurrency, baseline: noop, measured: credit, settle });
  const figureFailure = firstFailure;

  // What one credit costs inside the actor, counted (not timed), on a member with some history.
  const counted = members[0];
  const stats = async () => (await (await fetch(`${url}/v1/members/${counted}/actor-stats`, { headers: operator })).json()) as SqlStats;
  const before = await stats();
  const countedCredits = 20;
  let countedFailures = 0;
  for (let n = 0; n < countedCredits; n++) if (!(await creditFor(counted))) countedFailures++;
  const after = await stats();
  const perAction = {
    statements: (after.statements - before.statements) / countedCredits,
    rowsRead: (after.rowsRead - before.rowsRead) / countedCredits,
    rowsWritten: (after.rowsWritten - before.rowsWritten) / countedCredits,
  };

  const { ratio, failures } = figure;
  const entry = { ...figure, firstFailure: figureFailure };
  const result = { figures: { [name]: entry }, members: members.length, firstCreditOfEachMember: { perSecond: firstCredits.perSecond, failures: firstCredits.failures }, perActionInActor: perAction };

  console.log("\nfigure                                   ratio   target   (context)");
  console.log(`${name.padEnd(40)} ${ratio.toFixed(2)}    ≥ ${target.toFixed(2)}   ${entry.perSecond.toFixed(0)} vs ${entry.noopPerSecond.toFixed(0)} req/s, p50 ${entry.p50Ms.toFixed(1)} ms, p99 ${entry.p99Ms.toFixed(1)} ms, failures ${failures}`);
  if (figureFailure) console.log(`${name}: first failed answer ${figureFailure}`);
  console.log(`inside the actor, per action credit: ${perAction.statements.toFixed(1)} SQL statements, ${perAction.rowsWritten.toFixed(1)} rows written, ${perAction.rowsRead.toFixed(1)} rows read`);

  return { result, failures: failures + firstCredits.failures + countedFailures };
}
