import { env } from "cloudflare:workers";
import { Wallet, hexlify, randomBytes } from "ethers";
import { expect, it, vi } from "vitest";
import { call, createProgram } from "../test/api";
import { testVerificationKind, withTestVerification } from "../test/community";
import { newKey } from "../test/ledger";
import { integerSetting } from "../test/ledger-model-real";
import { appOrigin, fromNewClient, signInWithWallet } from "../test/sessions";
import { freshAddress, settler, token } from "../test/settler";
import { testSettlement } from "../test/token-payouts";

const members = integerSetting("BENCH_SETTLEMENT_MEMBERS") ?? 100;
const rounds = integerSetting("BENCH_SETTLEMENT_ROUNDS") ?? 5;

/**
 * `npm run bench` (BENCH_ONLY=settlement): settlements per minute end to end on the local chain. Each
 * round, every member earns and asks for their tokens over HTTP; the figure is the time until each of
 * those payouts is final on chain and confirmed back to its member's ledger, with the settler on its
 * production timing and its alarm running by itself. The baseline, in the same run, is the chain
 * alone: the same settlement sent straight from ethers and waited for.
 */
it("measures settlements per minute through the engine and straight to the chain", async () => {
  const program = await createProgram("Bench settling", "community", withTestVerification({ settlement: testSettlement, community: { actions: { quest: { points: 300, cooldownMinutes: 0 } } } }));
  const credit = (memberId: string, kind: string, sourceId: string) => call("POST", `/v1/members/${memberId}/actions`, { body: { kind, sourceId }, headers: { "Idempotency-Key": newKey("action") } });
  const people = [];
  for (let i = 0; i < members; i++) {
    const { id, cookie } = await signInWithWallet(program.id, new Wallet(hexlify(randomBytes(32))));
    await credit(id, testVerificationKind, "verify");
    people.push({ id, cookie });
  }
  const engineMs: number[] = [];
  const chainMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(people.map((person) => credit(person.id, "quest", `quest-${round}`)));
    const deliveredBefore = (await settler().status()).deliveredDeliveries;
    const started = Date.now();
    const cuts = await Promise.all(
      people.map((person) => call("POST", "/v1/me/token-settlements", { token: null, headers: { Cookie: person.cookie, Origin: appOrigin, "Idempotency-Key": newKey("cut"), ...fromNewClient() } })),
    );
    expect(cuts.every((cut) => cut.status === 201)).toBe(true);
    await vi.waitUntil(async () => (await settler().status()).deliveredDeliveries - deliveredBefore >= members, { timeout: 120_000, interval: 50 });
    engineMs.push(Date.now() - started);

    const signer = new Wallet(env.SETTLER_PRIVATE_KEY, token().runner!.provider);
    const direct = token().connect(signer) as ReturnType<typeof token>;
    const recipients = Array.from({ length: members }, () => freshAddress());
    const sentAt = Date.now();
    const sent = await direct.settle((await token().settledCount()) + 1n, recipients, recipients.map(() => 10n ** 18n));
    await sent.wait();
    chainMs.push(Date.now() - sentAt);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const perMinute = (ms: number) => 60_000 / ms;
  const figures = {
    rounds,
    members,
    engineSettlementsPerMinute: perMinute(median(engineMs)),
    chainSettlementsPerMinute: perMinute(median(chainMs)),
    ratio: median(chainMs) / median(engineMs),
    payoutsPerMinute: (perMinute(median(engineMs)) * members),
    engineMs,
    chainMs,
  };
  console.log(`SETTLEMENT_THROUGHPUT ${JSON.stringify(figures)}`);
});
