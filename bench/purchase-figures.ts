import type { BenchClient } from "./client";
import { type LoadResult, type RoundOptions, load, loadAlternating, median } from "./harness";

export type PurchaseOptions = RoundOptions & { memberCount: number; regularCount: number };

/**
 * The purchase (earn) and enrollment figures, each a ratio to the no-op measured in alternating
 * slices; then a 200-purchase burst's tail and the SQL one purchase costs inside the actor.
 */
export async function purchaseFigures(client: BenchClient, options: PurchaseOptions) {
  const { rounds, requestsPerRound, slicesPerRound, concurrency, memberCount, settle } = options;
  const { post, kiosk, noop, operator } = client;

  console.log(`bench: enrolling ${memberCount} members for the purchase figures…`);
  const members: string[] = [];
  await load(memberCount, concurrency, async (index) => {
    const enrolled = await post("/v1/members", { externalRef: `bench-member-${index}` }, kiosk);
    members[index] = enrolled.json.id;
    return enrolled.status < 300;
  });

  let enrollment = 0;
  const enroll = async () => {
    const n = enrollment++;
    return (await post("/v1/members", { externalRef: `bench-${n}`, email: `bench-${n}@example.com` }, { ...kiosk, "Idempotency-Key": `bench-${n}` })).status === 201;
  };
  let purchaseCount = 0;
  const purchaseFor = (memberId: string) => async () => {
    const n = purchaseCount++;
    const body = { memberId, amountCents: 1000 + (n % 5000), occurredAt: new Date().toISOString() };
    return (await post("/v1/purchases", body, { ...kiosk, "Idempotency-Key": `bench-purchase-${n}` })).status === 201;
  };
  const purchaseSpread = () => purchaseFor(members[Math.floor(Math.random() * members.length)])();
  // The venue's regulars: a member comes back every second or so, so their actors stay in memory.
  const purchaseRegular = () => purchaseFor(members[Math.floor(Math.random() * options.regularCount)])();

  await settle();

  // Members have history in a running program: each makes a first purchase before the measured ones.
  // That first purchase is dearer (the actor stores the program rules and sets its first alarm), so it
  // is reported on its own, against a no-op run measured just before it.
  const firstNoop = await load(requestsPerRound, concurrency, noop);
  let firstIndex = 0;
  const firstPurchases = await load(memberCount, concurrency, () => purchaseFor(members[firstIndex++ % members.length])());
  await settle();

  console.log(`bench: ${rounds} rounds × ${requestsPerRound} requests, ${concurrency} in flight, wrangler dev on 127.0.0.1`);
  await load(200, concurrency, noop);
  await load(100, concurrency, purchaseSpread);

  type Figure = { name: string; run: () => Promise<boolean>; baseline: LoadResult[]; measured: LoadResult[]; ratios: number[] };
  const figures: Figure[] = [
    { name: "purchase (earn) req/s ÷ no-op req/s", run: purchaseRegular, baseline: [], measured: [], ratios: [] },
    { name: `  same, spread over ${memberCount} members`, run: purchaseSpread, baseline: [], measured: [], ratios: [] },
    // Last: each enrollment creates an actor, and thousands more actors in the process slow every
    // later actor call, which would bill the purchase figures for enrollment's side effects.
    { name: "enrollment req/s ÷ no-op req/s", run: enroll, baseline: [], measured: [], ratios: [] },
  ];
  for (const figure of figures) {
    for (let round = 1; round <= rounds; round++) {
      const { baseline, measured } = await loadAlternating(slicesPerRound, Math.ceil(requestsPerRound / slicesPerRound), concurrency, noop, figure.run);
      figure.baseline.push(baseline);
      figure.measured.push(measured);
      figure.ratios.push(measured.perSecond / baseline.perSecond);
      await settle();
      console.log(`  round ${round} ${figure.name.padEnd(38)} ${measured.perSecond.toFixed(0)} vs ${baseline.perSecond.toFixed(0)} req/s → ${(measured.perSecond / baseline.perSecond).toFixed(2)} (failures ${measured.failures})`);
    }
  }

  // 200 concurrent purchases spread over the members, all at once: the tail a busy evening sees.
  await settle();
  const burstNoop = await load(200, 200, noop);
  const burst = await load(200, 200, purchaseSpread);

  // What one purchase costs inside the actor, counted (not timed), on a member with some history.
  const counted = members[0];
  for (let warm = 0; warm < 5; warm++) await purchaseFor(counted)();
  const stats = async () => (await (await fetch(`${client.url}/v1/members/${counted}/actor-stats`, { headers: operator })).json()) as { statements: number; rowsRead: number; rowsWritten: number };
  const before = await stats();
  const countedPurchases = 20;
  for (let n = 0; n < countedPurchases; n++) await purchaseFor(counted)();
  const after = await stats();

  const perPurchase = {
    statements: (after.statements - before.statements) / countedPurchases,
    rowsRead: (after.rowsRead - before.rowsRead) / countedPurchases,
    rowsWritten: (after.rowsWritten - before.rowsWritten) / countedPurchases,
  };
  const result = {
    figures: Object.fromEntries(
      figures.map((figure) => [
        figure.name,
        {
          ratio: median(figure.ratios),
          perSecond: median(figure.measured.map((entry) => entry.perSecond)),
          noopPerSecond: median(figure.baseline.map((entry) => entry.perSecond)),
          p99Ms: median(figure.measured.map((entry) => entry.p99Ms)),
          failures: figure.measured.reduce((sum, entry) => sum + entry.failures, 0),
          meetsTarget: undefined as boolean | undefined,
        },
      ]),
    ),
    firstPurchaseOfNewMember: { ratio: firstPurchases.perSecond / firstNoop.perSecond, perSecond: firstPurchases.perSecond, noopPerSecond: firstNoop.perSecond, failures: firstPurchases.failures },
    burst200: { p99Ms: burst.p99Ms, p50Ms: burst.p50Ms, noopP99Ms: burstNoop.p99Ms, p99VsNoop: burst.p99Ms / burstNoop.p99Ms, failures: burst.failures, members: memberCount },
    perPurchaseInActor: perPurchase,
  };

  console.log("\nfigure                                   ratio   target   (context)");
  for (const figure of figures) {
    const entry = result.figures[figure.name];
    const target = figure.name.startsWith("purchase") ? "≥ 0.50" : "  —   ";
    if (figure.name.startsWith("purchase")) entry.meetsTarget = entry.ratio >= 0.5;
    console.log(`${figure.name.padEnd(40)} ${entry.ratio.toFixed(2)}    ${target}   ${entry.perSecond.toFixed(0)} vs ${entry.noopPerSecond.toFixed(0)} req/s, p99 ${entry.p99Ms.toFixed(1)} ms`);
  }
  console.log(`first purchase of each of ${memberCount} new members (context)  ${result.firstPurchaseOfNewMember.ratio.toFixed(2)}             ${firstPurchases.perSecond.toFixed(0)} vs ${firstNoop.perSecond.toFixed(0)} req/s`);
  console.log(`200 concurrent purchases over ${memberCount} members: p99 ${burst.p99Ms.toFixed(1)} ms (${result.burst200.p99VsNoop.toFixed(2)}× the no-op burst's p99 ${burstNoop.p99Ms.toFixed(1)} ms), failures ${burst.failures}`);
  console.log(`inside the actor, per purchase: ${perPurchase.statements.toFixed(1)} SQL statements, ${perPurchase.rowsWritten.toFixed(1)} rows written, ${perPurchase.rowsRead.toFixed(1)} rows read`);

  const failures = Object.values(result.figures).reduce((sum, entry) => sum + entry.failures, 0) + burst.failures + firstPurchases.failures;
  return { result, failures };
}
