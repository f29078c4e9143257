import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { crashNext } from "../../test/crash";
import { integerSetting } from "../../test/ledger-model-real";
import { faultKinds, faultReport, faultsInjected, startFaults } from "../../test/faulty-chain-api";
import { FakeMembers, freshAddress, intentFor, runSettlerUntilIdle, settler, token } from "../../test/settler";
import { chainRpc } from "../../test/token-chain";

const seed = integerSetting("SETTLEMENT_FAULT_SEED") ?? 20261204;
const faultsMin = integerSetting("SETTLEMENT_FAULTS_MIN") ?? 1000;
const roundsMax = 2_000;
const unit = 10n ** 18n;

/** The run's own choices (which intents, when to crash), seeded like the proxy's faults. */
function mulberry32(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Issue 23's fault-injection run: the ChainSettler settles batch after batch through the faulty chain
 * (test/faulty-chain.ts) while it takes the RPC down mid-batch, drops transactions, takes the
 * settler's nonce with another transaction, refuses fees until they are bumped and reorgs settlements
 * away (depth 1, with 2 confirmations needed), and the settler itself crashes after broadcasting
 * and before it records the result (a restart). Afterwards every settlement is final and every
 * address holds exactly what it was owed: zero double mints.
 */
describe("settlement through a seeded run of at least 1,000 injected faults", () => {
  it("ends with every settlement final, each exactly once, and every address holding exactly what it was owed", async () => {
    const random = mulberry32(seed);
    const members = new FakeMembers();
    await settler().configure({ pollMs: 0, backoffBaseMs: 5, backoffMaxMs: 40, deliveryRetryMs: 10, stuckAfterMs: 120, rpcTimeoutMs: 3_000, recipientsThreshold: 1, waitMaxMs: 0 });
    await members.install();
    const tokenAtStart = { settledCount: Number(await token().settledCount()), supply: await token().totalSupply() };
    const finalAtStart = (await settler().status()).batches.final ?? 0;
    const owed = new Map<string, bigint>();
    const wallets = Array.from({ length: 40 }, () => freshAddress());
    const intents: ReturnType<typeof intentFor>[] = [];
    let restarts = 0;
    let replays = 0;
    let faults = 0;
    let rounds = 0;

    await startFaults({ seed, rates: { rpcDown: 0.03, dropTx: 0.4, nonceTaken: 0.35, feeTooLow: 0.15, reorg: 0.45 }, settlerKey: env.SETTLER_PRIVATE_KEY, blockEveryRequests: 3 });
    for (; faults < faultsMin && rounds < roundsMax; rounds++) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const intent = intentFor(`m-fault-${Math.floor(random() * 25)}`, BigInt(1 + Math.floor(random() * 50)) * unit + BigInt(rounds), wallets[Math.floor(random() * wallets.length)]);
        owed.set(intent.address, (owed.get(intent.address) ?? 0n) + BigInt(intent.tokenAmount));
        return members.reserve(intent);
      });
      intents.push(...batch);
      // An intent the Queue delivers again: stored once, paid once.
      const again = random() < 0.2 && intents.length > batch.length ? [intents[Math.floor(random() * (intents.length - batch.length))]] : [];
      replays += again.length;
      await settler().acceptIntents([...batch, ...again]);
      await settler().cutBatch(Date.now());
      if (random() < 0.25) {
        // The settler dies after its broadcast and before it records the node's answer.
        await crashNext(settler(), "UPDATE attempts SET sent_at_ms");
        restarts++;
      }
      await runSettlerUntilIdle(400, 2);
      faults = faultsInjected((await faultReport()).counts);
    }
    const report = await faultReport();
    // The chain calms down and keeps making blocks, so what is in flight gathers its confirmations.
    await startFaults({ seed, rates: {}, blockEveryRequests: 3 });
    for (let block = 0; block < 3; block++) await chainRpc("evm_mine");
    const status = await runSettlerUntilIdle(400, 5);
    const counts = report.counts;
    console.log(`SETTLEMENT_FAULTS ${JSON.stringify({ seed, rounds, settlements: (status.batches.final ?? 0) - finalAtStart, intents: intents.length, replays, restarts, faults: faultsInjected(counts), counts })}`);

    expect(faultsInjected(counts)).toBeGreaterThanOrEqual(faultsMin);
    for (const kind of faultKinds) expect(counts[kind], kind).toBeGreaterThan(0);
    expect(restarts).toBeGreaterThan(0);
    expect(status.inFlight).toBeNull();
    expect(status.queued).toBe(0);
    // Every settlement final (about one per round), each applied exactly once on chain.
    const finals = (status.batches.final ?? 0) - finalAtStart;
    expect(finals).toBeGreaterThanOrEqual(rounds / 2);
    expect(status.batches.abandoned ?? 0).toBe(0);
    expect(Number(await token().settledCount()) - tokenAtStart.settledCount).toBe(finals);
    // Zero double mints: every wallet holds exactly what its intents owed, and the supply grew by exactly that.
    for (const [address, amount] of owed) expect(await token().balanceOf(address), address).toBe(amount);
    expect((await token().totalSupply()) - tokenAtStart.supply).toBe([...owed.values()].reduce((sum, amount) => sum + amount, 0n));
    expect(new Set(members.confirmed)).toEqual(new Set(intents.map((intent) => intent.intentId)));
    expect(members.returned).toEqual([]);
    await runInDurableObject(settler(), () => undefined);
  }, 600_000);
});
