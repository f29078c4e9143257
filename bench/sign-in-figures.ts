import { Wallet, id } from "ethers";
import { SiweMessage } from "siwe";
import { signInLimits } from "../workers/middleware/rate-limit";
import type { BenchClient } from "./client";
import { type LoadResult, type RoundOptions, load, loadAlternating, median } from "./harness";

export type SignInOptions = RoundOptions & {
  /** Returning members, each with its own wallet, client address and session. */
  members: number;
};

const warmUpSignIns = 50;
// A sign-in asks for a nonce and then verifies, both counted by the per-client limit; one more
// sign-in per member enrolls it (setup). Past this a member's address would be answered 429.
const signInsPerMemberMax = Math.floor(signInLimits.perClient.limit / 2) - 1;

/** The sign-in figures' knobs, checked before the worker starts so a bad value costs nothing. */
export function signInOptions(base: Omit<SignInOptions, "members">): SignInOptions {
  const members = Number(process.env.BENCH_SIGNIN_MEMBERS ?? 200);
  if (!Number.isInteger(members) || members < base.concurrency) throw new Error(`BENCH_SIGNIN_MEMBERS must be an integer ≥ BENCH_CONCURRENCY (${base.concurrency}), got ${process.env.BENCH_SIGNIN_MEMBERS}`);
  const signIns = warmUpSignIns + base.rounds * perRound(base);
  const needed = Math.ceil(signIns / signInsPerMemberMax);
  if (members < needed) {
    throw new Error(
      `BENCH_SIGNIN_MEMBERS (${members}) is too few for ${signIns} sign-ins: each member's client address may make ${signInLimits.perClient.limit} sign-in requests per ${signInLimits.perClient.windowMs / 60_000} minutes (2 per sign-in); use at least ${needed}`,
    );
  }
  return { ...base, members };
}

const perRound = (options: Pick<SignInOptions, "requestsPerRound" | "slicesPerRound">) => Math.ceil(options.requestsPerRound / options.slicesPerRound) * options.slicesPerRound;

type Member = { wallet: Wallet; headers: Record<string, string> };
type SignIn = { member: Member; body: string };

/**
 * The sign-in figures, each a ratio to the no-op measured in alternating slices:
 * - SIWE verify: a returning member signs in (secp256k1 recovery, the nonce used once, a session).
 *   The members are a fixed pool enrolled by a first sign-in before timing, so the figure is the
 *   steady-state sign-in of returning members, not enrollment (which the enrollment figure covers);
 *   a pool rather than one wallet, because one member's actor would serialize every verify. Each
 *   member signs in from its own client address (nonce and verify, as one phone does), which keeps
 *   every address under the per-client limit and adds only one limiter actor per member.
 * - Dashboard render: `GET /` with a member's session cookie, spread over the pool's sessions.
 */
export async function signInFigures(client: BenchClient, options: SignInOptions) {
  const { rounds, slicesPerRound, concurrency, settle } = options;
  const { url, post, noop } = client;

  const program = await post("/v1/programs", { name: "Bench sign-in", preset: "community" });
  if (program.status !== 201) throw new Error(`sign-in figures: creating a community program answered ${program.status} ${JSON.stringify(program.json)}`);
  const programId: string = program.json.id;
  // Fixed keys, so no mnemonic is derived per wallet (Wallet.createRandom spends ~a PBKDF2 each).
  const members: Member[] = Array.from({ length: options.members }, (_, n) => ({
    wallet: new Wallet(id(`bench-sign-in-${n}`)),
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": `10.1.${n >> 8}.${n & 255}` },
  }));

  // Nonces are fetched and messages signed before each timed run (a nonce lives 5 minutes).
  let signInCount = 0;
  const prepare = async (count: number): Promise<SignIn[]> => {
    const signIns: SignIn[] = [];
    let refused: string | undefined;
    const first = signInCount;
    signInCount += count;
    await load(count, concurrency, async (index) => {
      const member = members[(first + index) % members.length];
      const issued = await post("/v1/auth/siwe/nonce", { programId }, member.headers);
      if (issued.status !== 201) {
        refused ??= `${issued.status} ${JSON.stringify(issued.json)}`;
        return false;
      }
      const { nonce, domain, uri, chainId } = issued.json;
      const message = new SiweMessage({ domain, address: member.wallet.address, statement: "Sign in to the loyalty program", uri, version: "1", chainId, nonce, issuedAt: new Date().toISOString() }).prepareMessage();
      signIns[index] = { member, body: JSON.stringify({ message, signature: await member.wallet.signMessage(message) }) };
      return true;
    });
    if (refused) throw new Error(`sign-in figures: POST /v1/auth/siwe/nonce answered ${refused}`);
    return signIns;
  };
  // The first failed answer of each figure, so a failure names its cause rather than only counting.
  const firstFailure: Record<string, string> = {};
  const answered = async (figure: string, response: Response) => {
    const ok = response.status >= 200 && response.status < 300;
    if (ok) await response.arrayBuffer();
    else firstFailure[figure] ??= `${response.status} ${response.headers.get("location") ?? ""}${(await response.text()).slice(0, 200)}`;
    return ok;
  };
  const verify = (signIn: SignIn) => fetch(`${url}/v1/auth/siwe/verify`, { method: "POST", headers: signIn.member.headers, body: signIn.body });
  const queue = (signIns: SignIn[]) => {
    let next = 0;
    return async () => {
      const signIn = signIns[next++];
      if (!signIn) return false;
      return answered("verify", await verify(signIn));
    };
  };

  console.log(`bench: signing in ${members.length} members by SIWE for the sign-in figures (setup, not measured)…`);
  const cookies: string[] = [];
  let enrollRefused: string | undefined;
  const enrollments = await prepare(members.length);
  await load(members.length, concurrency, async (index) => {
    const response = await verify(enrollments[index]);
    const cookie = /loyalty_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0];
    const body = await response.text();
    if (response.status !== 200 || !cookie) enrollRefused ??= `${response.status} ${body}`;
    else cookies[index] = cookie;
    return cookie !== undefined;
  });
  if (enrollRefused) throw new Error(`sign-in figures: the first sign-in (POST /v1/auth/siwe/verify) answered ${enrollRefused}`);

  let renderCount = 0;
  const render = async () => {
    const n = renderCount++ % members.length;
    // Manual: a redirect (to a sign-in page, say) is not a rendered dashboard.
    return answered("render", await fetch(`${url}/`, { headers: { Cookie: cookies[n], "CF-Connecting-IP": members[n].headers["CF-Connecting-IP"] }, redirect: "manual" }));
  };
  const probe = await fetch(`${url}/`, { headers: { Cookie: cookies[0] }, redirect: "manual" });
  const probeBody = (await probe.text()).slice(0, 120);
  if (probe.status >= 300) console.log(`bench: GET / with a session answered ${probe.status} (${probeBody}); every dashboard render will count as a failure until the dashboard is served`);

  await settle();
  await load(200, concurrency, noop);
  await load(warmUpSignIns, concurrency, queue(await prepare(warmUpSignIns)));
  await load(100, concurrency, render);
  for (const key of Object.keys(firstFailure)) delete firstFailure[key]; // the warm-up's failures are not the figures'

  console.log(`bench: sign-in, ${rounds} rounds × ${perRound(options)} requests, ${concurrency} in flight, ${members.length} returning members`);
  type Figure = { name: string; key: string; target: number; prepare: () => Promise<() => Promise<boolean>>; baseline: LoadResult[]; measured: LoadResult[]; ratios: number[] };
  const figures: Figure[] = [
    // Recovery is CPU-bound secp256k1 work, plus a D1 write for the nonce and one for the session.
    { name: "SIWE verify req/s ÷ no-op req/s", key: "verify", target: 0.2, prepare: async () => queue(await prepare(perRound(options))), baseline: [], measured: [], ratios: [] },
    { name: "dashboard render req/s ÷ no-op req/s", key: "render", target: 0.3, prepare: async () => render, baseline: [], measured: [], ratios: [] },
  ];
  for (const figure of figures) {
    for (let round = 1; round <= rounds; round++) {
      const run = await figure.prepare();
      const { baseline, measured } = await loadAlternating(slicesPerRound, perRound(options) / slicesPerRound, concurrency, noop, run);
      figure.baseline.push(baseline);
      figure.measured.push(measured);
      figure.ratios.push(measured.perSecond / baseline.perSecond);
      await settle();
      console.log(`  round ${round} ${figure.name.padEnd(38)} ${measured.perSecond.toFixed(0)} vs ${baseline.perSecond.toFixed(0)} req/s → ${(measured.perSecond / baseline.perSecond).toFixed(2)} (failures ${measured.failures})`);
    }
  }

  const result = {
    figures: Object.fromEntries(
      figures.map((figure) => {
        const ratio = median(figure.ratios);
        const failures = figure.measured.reduce((sum, run) => sum + run.failures, 0);
        const entry = {
          ratio,
          target: figure.target,
          // A figure with failed answers timed something other than the work it names.
          meetsTarget: failures === 0 && ratio >= figure.target,
          perSecond: median(figure.measured.map((run) => run.perSecond)),
          noopPerSecond: median(figure.baseline.map((run) => run.perSecond)),
          p50Ms: median(figure.measured.map((run) => run.p50Ms)),
          p99Ms: median(figure.measured.map((run) => run.p99Ms)),
          failures,
          firstFailure: firstFailure[figure.key],
        };
        return [figure.name, entry];
      }),
    ),
    members: members.length,
    dashboardProbeStatus: probe.status,
  };

  console.log("\nfigure                                   ratio   target   (context)");
  for (const [name, entry] of Object.entries(result.figures)) {
    console.log(`${name.padEnd(40)} ${entry.ratio.toFixed(2)}    ≥ ${entry.target.toFixed(2)}   ${entry.perSecond.toFixed(0)} vs ${entry.noopPerSecond.toFixed(0)} req/s, p50 ${entry.p50Ms.toFixed(1)} ms, p99 ${entry.p99Ms.toFixed(1)} ms, failures ${entry.failures}`);
  }
  for (const [name, entry] of Object.entries(result.figures)) if (entry.firstFailure) console.log(`${name}: first failed answer ${entry.firstFailure}`);
  const failures = Object.values(result.figures).reduce((sum, entry) => sum + entry.failures, 0);
  return { result, failures };
}
