import { type Contract, type JsonRpcProvider, type TransactionReceipt, dataSlice, getAddress, id, toBigInt } from "ethers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deployToken, devKeys, settle, wallet } from "./reward-token-fixture";

// EIP-7825: the most gas one transaction may use.
const txGasMax = 16_777_216;
// Issue 23's targets for the marginal gas of one more recipient in a settlement.
const freshHolderGasMax = 25_000;
const existingHolderGasMax = 8_000;

/** Distinct addresses, the same on every run (so the calldata, and the gas, are too). */
const addresses = (label: string, count: number) => Array.from({ length: count }, (_, i) => getAddress(dataSlice(id(`${label}-${i}`), 12)));
/** Token amounts at 18 decimals: 1 to 97 tokens plus dust, so 8 or 9 non-zero calldata bytes each, like real payouts. */
const amounts = (count: number) => Array.from({ length: count }, (_, i) => 10n ** 18n * BigInt(1 + (i % 97)) + 123_456_789n * BigInt(i));
const marginal = (gasN: number, gas1: number, n: number) => Math.round((gasN - gas1) / (n - 1));

/**
 * The storage slots a transaction took from zero to non-zero (new state), from the node's trace of its
 * SSTOREs and the token's storage before and after. Hardhat mines one transaction per block here.
 */
async function newSlots(provider: JsonRpcProvider, token: string, receipt: TransactionReceipt) {
  const trace = (await provider.send("debug_traceTransaction", [receipt.hash, { disableMemory: true, disableStorage: true }])) as {
    structLogs: { op: string; stack: string[] }[];
  };
  const keys = new Set(trace.structLogs.filter((step) => step.op === "SSTORE").map((step) => step.stack[step.stack.length - 1]));
  const created: string[] = [];
  const rewritten: string[] = [];
  for (const key of keys) {
    const before = toBigInt(await provider.getStorage(token, key, receipt.blockNumber - 1));
    const after = toBigInt(await provider.getStorage(token, key, receipt.blockNumber));
    if (before === 0n && after !== 0n) created.push(key);
    else rewritten.push(key);
  }
  return { created: created.length, rewritten: rewritten.length };
}

describe("RewardToken.settle gas, from receipts", () => {
  let token: Contract;
  let provider: JsonRpcProvider;
  let nextId = 1n;
  const gas: Record<string, number> = {};
  const receipts: Record<string, TransactionReceipt> = {};
  const slots: Record<string, { created: number; rewritten: number }> = {};
  const existing = addresses("existing", 1500);

  const measure = async (name: string, recipients: string[]) => {
    receipts[name] = await settle(token, nextId++, recipients, amounts(recipients.length));
    gas[name] = Number(receipts[name].gasUsed);
  };

  beforeAll(async () => {
    const rpcUrl = inject("chainRpcUrl");
    const settler = wallet(rpcUrl, devKeys.gasSettler);
    provider = settler.provider as JsonRpcProvider;
    token = await deployToken(rpcUrl, devKeys.gasSettler, { settler: settler.address, pauser: settler.address });
    for (const n of [1, 100, 500]) await measure(`fresh${n}`, addresses(`fresh${n}`, n));
    for (let i = 0; i < existing.length; i += 500) await settle(token, nextId++, existing.slice(i, i + 500), amounts(500));
    for (const n of [1, 100, 500, 1500]) await measure(`existing${n}`, existing.slice(0, n));
    await measure("mixed50+50", [...addresses("mixed", 50), ...existing.slice(0, 50)]);
  }, 300_000);

  it("pays at most 25,000 gas per fresh holder, from batches of 1, 100 and 500", () => {
    expect(marginal(gas.fresh100, gas.fresh1, 100)).toBeLessThanOrEqual(freshHolderGasMax);
    expect(marginal(gas.fresh500, gas.fresh1, 500)).toBeLessThanOrEqual(freshHolderGasMax);
  });

  it("pays at most 8,000 gas per existing holder, from batches of 1, 100 and 500", () => {
    expect(marginal(gas.existing100, gas.existing1, 100)).toBeLessThanOrEqual(existingHolderGasMax);
    expect(marginal(gas.existing500, gas.existing1, 500)).toBeLessThanOrEqual(existingHolderGasMax);
  });

  it("fits 500 fresh or 1,500 existing holders in one transaction under EIP-7825's cap", () => {
    expect(gas.fresh500).toBeLessThan(txGasMax);
    expect(gas.existing1500).toBeLessThan(txGasMax);
  });

  it("creates exactly one new storage slot per fresh holder, and none for the counter or an existing holder", async () => {
    const address = await token.getAddress();
    for (const name of ["fresh1", "fresh100", "mixed50+50", "existing100"]) slots[name] = await newSlots(provider, address, receipts[name]);
    // fresh1 is the token's first settlement: the counter's slot is non-zero from deployment, so it is rewritten, not created.
    expect(slots.fresh1).toEqual({ created: 1, rewritten: 1 });
    expect(slots.fresh100).toEqual({ created: 100, rewritten: 1 });
    expect(slots["mixed50+50"]).toEqual({ created: 50, rewritten: 51 });
    expect(slots.existing100).toEqual({ created: 0, rewritten: 101 });
  });

  it("prints the figures for the bench", async () => {
    const figures = {
      freshHolderMarginalGas: { from1to100: marginal(gas.fresh100, gas.fresh1, 100), from1to500: marginal(gas.fresh500, gas.fresh1, 500), target: freshHolderGasMax },
      existingHolderMarginalGas: { from1to100: marginal(gas.existing100, gas.existing1, 100), from1to500: marginal(gas.existing500, gas.existing1, 500), target: existingHolderGasMax },
      batchGas: gas,
      // Per traced batch: slots taken from zero to non-zero, and slots rewritten (the counter's and existing holders').
      storageSlotsPerBatch: slots,
      txGasMax,
      blockGasLimit: Number((await provider.getBlock("latest"))!.gasLimit),
    };
    console.log(`TOKEN_GAS ${JSON.stringify(figures)}`);
  });
});
