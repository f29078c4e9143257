import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { crashNext } from "../../test/crash";
import { env } from "cloudflare:workers";
import { Transaction, Wallet } from "ethers";
import { FakeMembers, chainProvider, intentFor, runSettlerUntilIdle, settler, settlerRows, token } from "../../test/settler";
import { ChainUnreachable } from "./chain-client";
import type { ChainSettler } from "./chain-settler";

const unit = 10n ** 18n;
const members = new FakeMembers();

async function settle(intents: ReturnType<typeof intentFor>[]) {
  for (const intent of intents) members.reserve(intent);
  await settler().acceptIntents(intents);
  await settler().cutBatch(Date.now());
  return runSettlerUntilIdle();
}

/** One member's intent, stored and cut into a batch that is not sent yet, and the token's counter before it. */
async function cutOne(memberId: string, tokenAmount: bigint) {
  const intent = members.reserve(intentFor(memberId, tokenAmount));
  const countBefore = Number(await token().settledCount());
  await settler().acceptIntents([intent]);
  await settler().cutBatch(Date.now());
  return { intent, countBefore };
}

beforeAll(async () => {
  await settler().configure({ pollMs: 0, backoffBaseMs: 10, backoffMaxMs: 200, deliveryRetryMs: 50, stuckAfterMs: 60_000 });
  await members.install();
});

describe("the chain settler on a real chain", () => {
  it("mints each address the sum of its intents in one settlement, final after its confirmation, and tells each member", async () => {
    const shared = intentFor("m-alice", 3n * unit);
    const intents = [shared, intentFor("m-alice", 2n * unit, shared.address), intentFor("m-bob", 7n * unit), intentFor("m-carol", 1n)];
    const countBefore = Number(await token().settledCount());
    const status = await settle(intents);

    expect(status.inFlight).toBeNull();
    expect(Number(await token().settledCount())).toBe(countBefore + 1);
    expect(await token().balanceOf(shared.address)).toBe(5n * unit);
    expect(await token().balanceOf(intents[2].address)).toBe(7n * unit);
    expect(await token().balanceOf(intents[3].address)).toBe(1n);
    const deliveries = await settlerRows<{ intent_id: string; kind: string; outcome: string }>("SELECT intent_id, kind, outcome FROM deliveries WHERE intent_id IN (?, ?, ?, ?) ORDER BY intent_id", ...intents.map((intent) => intent.intentId));
    expect(deliveries.map((row) => [row.kind, row.outcome])).toEqual(intents.map(() => ["confirm", "settled"]));
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch).toMatchObject({ state: "final", settlementId: countBefore + 1, recipientCount: 3, totalTokenAmount: (12n * unit + 1n).toString() });
    expect(batch.gasUsed).toBeGreaterThan(0);
    expect(batch.finalTxHash).toBe(batch.transactions.at(-1)!.hash);
  });

  it("reconciles the settlement's members with zero differences", async () => {
    const run = await settler().lastReconciliation();
    expect(run).toMatchObject({ membersChecked: 3, membersUnreachable: 0, differences: [] });
  });

  it("pays a replayed intent once", async () => {
    const intent = intentFor("m-dave", 4n * unit);
    await settle([intent]);
    const intake = await settler().acceptIntents([intent]);
    expect(intake).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await settler().cutBatch(Date.now())).toMatchObject({ batchId: null, reason: "nothing_queued" });
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(4n * unit);
  });

  it("keeps the first payload of an intent that arrives again changed, and reports it", async () => {
    const intent = intentFor("m-erin", 1n * unit);
    await settler().acceptIntents([intent]);
    expect(await settler().acceptIntents([{ ...intent, tokenAmount: (9n * unit).toString() }])).toMatchObject({ accepted: 0, conflicts: [intent.intentId] });
    members.reserve(intent);
    await settler().cutBatch(Date.now());
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(1n * unit);
  });

  it("gives two batches in a row consecutive settlement ids", async () => {
    await settle([intentFor("m-frank", unit)]);
    await settle([intentFor("m-grace", unit)]);
    const [second, first] = (await settler().chainSettlements("prg_chain", null, 2)).items;
    expect(second.settlementId).toBe(first.settlementId! + 1);
    expect(Number(await token().settledCount())).toBe(second.settlementId);
  });

  it("recovers when its storage says a transaction was sent that the chain never saw", async () => {
    const intent = intentFor("m-heidi", 2n * unit);
    members.reserve(intent);
    await settler().acceptIntents([intent]);
    await settler().cutBatch(Date.now());
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      instance.chain.broadcast = async () => ({ ok: true });
    });
    await runDurableObjectAlarm(settler());
    expect((await settler().status()).inFlight).toMatchObject({ state: "sent" });
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      delete (instance.chain as Partial<Pick<typeof instance.chain, "broadcast">>).broadcast;
    });
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(2n * unit);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch.state).toBe("final");
    expect(batch.transactions, JSON.stringify(batch)).toHaveLength(1);
  });

  it("does not mint twice when it crashes right after broadcasting, before recording the result", async () => {
    const { intent, countBefore } = await cutOne("m-ivan", 3n * unit);
    await crashNext(settler(), "UPDATE attempts SET sent_at_ms");
    await runDurableObjectAlarm(settler());
    const [attempt] = await settlerRows<{ sent_at_ms: number | null }>("SELECT a.sent_at_ms FROM attempts a JOIN intents i ON i.batch_id = a.batch_id WHERE i.intent_id = ?", intent.intentId);
    expect(attempt.sent_at_ms).toBeNull();
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(3n * unit);
    expect(Number(await token().settledCount())).toBe(countBefore + 1);
  });

  it("backs off while the chain stops answering mid-batch and settles once it answers again", async () => {
    const { intent, countBefore } = await cutOne("m-outage", 9n * unit);
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain;
      const broadcast = chain.broadcast.bind(chain);
      // The transaction goes out, then the RPC goes down before the settler hears back or reads a receipt.
      chain.broadcast = async (raw) => {
        await broadcast(raw);
        chain.receipt = async () => {
          throw new ChainUnreachable("receipt: connection refused");
        };
        throw new ChainUnreachable("broadcast: no answer within 10000 ms");
      };
    });
    await runDurableObjectAlarm(settler());
    await runDurableObjectAlarm(settler());
    expect((await settler().status()).inFlight).toMatchObject({ state: "sent" });
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain as Partial<Pick<typeof instance.chain, "broadcast" | "receipt">>;
      delete chain.broadcast;
      delete chain.receipt;
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(9n * unit);
    expect(Number(await token().settledCount())).toBe(countBefore + 1);
  });

  it("re-signs the same settlement at a new nonce when another transaction takes its nonce", async () => {
    const { intent, countBefore } = await cutOne("m-kim", 6n * unit);
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain;
      const broadcast = chain.broadcast.bind(chain);
      // Another sender with the settler's key takes the nonce first (an operator's manual transaction).
      chain.broadcast = async (raw) => {
        chain.broadcast = broadcast;
        const key = new Wallet(env.SETTLER_PRIVATE_KEY, chain.provider);
        await (await key.sendTransaction({ to: key.address, value: 0n })).wait();
        return broadcast(raw);
      };
    });
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(6n * unit);
    expect(Number(await token().settledCount())).toBe(countBefore + 1);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch.transactions.map((tx) => [tx.settlementId, tx.lastError])).toEqual([
      [countBefore + 1, "nonce_taken"],
      [countBefore + 1, null],
    ]);
    expect(batch.transactions[1].nonce).toBe(batch.transactions[0].nonce + 1);
  });

  it("never signs a batch under a new id after an earlier attempt minted it, whatever a racy read suggested", async () => {
    const { intent, countBefore } = await cutOne("m-racy", 4n * unit);
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain;
      const receipt = chain.receipt.bind(chain);
      // After the broadcast: one look where neither the receipt nor the Settled log is there yet but the
      // counter has moved past the batch's id (as if another transaction took it): the settler goes back to sign.
      const settledBy = chain.settledBy.bind(chain);
      let racyReceipts = 0;
      let racyLogs = 0;
      chain.receipt = async (hash) => (racyReceipts++ === 0 ? null : receipt(hash));
      chain.settledBy = async (id, fromBlock) => (racyLogs++ === 0 ? null : settledBy(id, fromBlock));
    });
    await runSettlerUntilIdle();
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain as Partial<Pick<typeof instance.chain, "settledBy" | "receipt">>;
      delete chain.settledBy;
      delete chain.receipt;
    });
    expect(await token().balanceOf(intent.address)).toBe(4n * unit);
    expect(Number(await token().settledCount())).toBe(countBefore + 1);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch).toMatchObject({ state: "final", settlementId: countBefore + 1 });
  });

  it("replaces a stuck transaction at the same nonce with a bumped fee, and the replacement alone mints", async () => {
    const intent = intentFor("m-lee", 8n * unit);
    members.reserve(intent);
    const provider = chainProvider();
    await settler().configure({ stuckAfterMs: 0, stepsPerRunMax: 3 });
    await provider.send("evm_setAutomine", [false]);
    try {
      await settler().acceptIntents([intent]);
      await settler().cutBatch(Date.now());
      await runDurableObjectAlarm(settler());
      await provider.send("evm_mine", []);
    } finally {
      await provider.send("evm_setAutomine", [true]);
      await settler().configure({ stuckAfterMs: 60_000, stepsPerRunMax: 8 });
    }
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(8n * unit);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch.state).toBe("final");
    expect(new Set(batch.transactions.map((tx) => tx.nonce)).size).toBe(1);
    expect(batch.transactions.length).toBeGreaterThan(1);
    const [first, second] = batch.transactions;
    expect(BigInt(second.maxFeePerGas) * 1000n).toBeGreaterThanOrEqual(BigInt(first.maxFeePerGas) * 1125n);
    // A replacement minted, not the stuck first one. Which replacement depends on when the block was mined:
    // the settler's own alarm may sign one more that the node then refuses, its nonce already used.
    expect(batch.transactions.slice(1).map((tx) => tx.hash)).toContain(batch.finalTxHash);
  });

  it("bumps the fee at the same nonce while the node calls it too low, and mints once when it is enough", async () => {
    const intent = members.reserve(intentFor("m-fees", 3n * unit));
    await settler().acceptIntents([intent]);
    await settler().cutBatch(Date.now());
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      const chain = instance.chain;
      const broadcast = chain.broadcast.bind(chain);
      let floor: bigint | null = null;
      // The node wants 30 % more than the first offer: two 12.5 % bumps (×1.27) fall short, the third (×1.42) lands.
      chain.broadcast = async (raw) => {
        const offered = Transaction.from(raw).maxFeePerGas!;
        floor ??= (offered * 130n) / 100n;
        return offered < floor ? { ok: false, error: "fee_too_low", message: "transaction underpriced" } : broadcast(raw);
      };
    });
    await runSettlerUntilIdle();
    await runInDurableObject(settler(), (instance: ChainSettler) => {
      delete (instance.chain as Partial<Pick<typeof instance.chain, "broadcast">>).broadcast;
    });
    expect(await token().balanceOf(intent.address)).toBe(3n * unit);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch.state).toBe("final");
    expect(batch.transactions.map((tx) => tx.lastError)).toEqual(["fee_too_low", "fee_too_low", "fee_too_low", null]);
    expect(new Set(batch.transactions.map((tx) => tx.nonce)).size).toBe(1);
  });

  it("waits while the token is paused and settles after it is unpaused", async () => {
    const intent = intentFor("m-judy", 5n * unit);
    members.reserve(intent);
    await (await token(true).pause()).wait();
    try {
      await settler().acceptIntents([intent]);
      await settler().cutBatch(Date.now());
      await runDurableObjectAlarm(settler());
      expect((await settler().status()).inFlight).toMatchObject({ state: "cut", lastStep: "token paused: waiting" });
      expect(await token().balanceOf(intent.address)).toBe(0n);
    } finally {
      await (await token(true).unpause()).wait();
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    await runSettlerUntilIdle();
    expect(await token().balanceOf(intent.address)).toBe(5n * unit);
  });

  it("splits 600 recipients into a batch of 500 and one of 100", async () => {
    const intents = Array.from({ length: 600 }, (_, n) => members.reserve(intentFor(`m-crowd-${n}`, BigInt(n + 1) * 1_000n, undefined, "prg_crowd")));
    for (let start = 0; start < intents.length; start += 100) await settler().acceptIntents(intents.slice(start, start + 100));
    await runSettlerUntilIdle();
    const batches = (await settler().chainSettlements("prg_crowd", null, 10)).items;
    expect(batches.map((batch) => [batch.state, batch.recipientCount])).toEqual([
      ["final", 100],
      ["final", 500],
    ]);
    for (const n of [0, 499, 500, 599]) expect(await token().balanceOf(intents[n].address)).toBe(BigInt(n + 1) * 1_000n);
  });

  it("reports a member whose ledger settled more than the chain minted, with both figures and the settlement ids", async () => {
    members.skew.set("m-bob", 1n);
    const { runId } = await settler().reconcile(Date.now());
    const run = await settler().lastReconciliation();
    expect(run?.runId).toBe(runId);
    expect(run?.differences).toEqual([expect.objectContaining({ kind: "member", memberId: "m-bob", chainPlusUnsettled: (7n * unit).toString(), ledger: (7n * unit + 1n).toString(), settlementIds: [expect.any(Number)] })]);
    members.skew.delete("m-bob");
  });

  it("returns an intent to the zero address at once, without putting it in a batch", async () => {
    const intent = members.reserve(intentFor("m-zero", unit, "0x0000000000000000000000000000000000000000"));
    expect(await settler().acceptIntents([intent])).toMatchObject({ accepted: 0, refused: [intent.intentId] });
    await runSettlerUntilIdle();
    await runDurableObjectAlarm(settler());
    expect(members.returned).toContain(intent.intentId);
    expect(await settlerRows("SELECT state, batch_id FROM intents WHERE intent_id = ?", intent.intentId)).toEqual([{ state: "returned", batch_id: null }]);
  });

  it("abandons a batch the token refuses for good and returns its intents to their members", async () => {
    const tooLarge = members.reserve(intentFor("m-huge", 2n ** 128n));
    const bystander = members.reserve(intentFor("m-bystander", unit));
    await settle([tooLarge, bystander]);
    const [batch] = (await settler().chainSettlements("prg_chain", null, 1)).items;
    expect(batch.state).toBe("abandoned");
    expect(batch.abandonedReason).toMatch(/AmountTooLarge/);
    await runDurableObjectAlarm(settler());
    expect(members.returned).toEqual(expect.arrayContaining([tooLarge.intentId, bystander.intentId]));
    expect(await token().balanceOf(bystander.address)).toBe(0n);
  });
});
