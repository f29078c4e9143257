import { describe, expect, it } from "vitest";
import { type Attempt, type Observations, decide, revertKind } from "./in-flight";

const nowMs = 1_800_000_000_000;
const timing = { stuckAfterMs: 30_000, maxFeePerGasCeiling: 1_000_000n };
const fees = { maxFeePerGas: 1_000n, maxPriorityFeePerGas: 100n };
const attempt = (hash: string, overrides: Partial<Attempt> = {}): Attempt => ({ hash, nonce: 7, settlementId: 3, fees, sentAtMs: nowMs - 1_000, lastError: null, ...overrides });
const state = (attempts: Attempt[]) => ({ settlementId: 3, nonce: 7, attempts });
const seen = (overrides: Partial<Observations> = {}): Observations => ({
  receipts: [],
  knownHashes: ["0xa"],
  minedNonce: 7,
  settledCount: 2,
  settledByHash: null,
  headBlock: 100,
  confirmationsNeeded: 1,
  ...overrides,
});

describe("the next step for a settlement in flight", () => {
  it("waits while the transaction is pending and young", () => {
    expect(decide(state([attempt("0xa")]), seen(), nowMs, timing).action).toBe("wait");
  });

  it("is final once mined, succeeded and confirmed enough", () => {
    const mined = seen({ receipts: [{ hash: "0xa", ok: true, blockNumber: 100 }], minedNonce: 8, settledCount: 3 });
    expect(decide(state([attempt("0xa")]), mined, nowMs, timing)).toEqual({ action: "final", hash: "0xa", blockNumber: 100 });
  });

  it("waits for more confirmations when fewer than needed", () => {
    const mined = seen({ receipts: [{ hash: "0xa", ok: true, blockNumber: 100 }], minedNonce: 8, settledCount: 3, confirmationsNeeded: 3 });
    expect(decide(state([attempt("0xa")]), mined, nowMs, timing).action).toBe("wait");
  });

  it("is final through an earlier hash at the same nonce when the replacement lost", () => {
    const mined = seen({ receipts: [{ hash: "0xa", ok: true, blockNumber: 99 }], minedNonce: 8, settledCount: 3, knownHashes: ["0xa"] });
    const attempts = [attempt("0xa"), attempt("0xb", { fees: { maxFeePerGas: 1_125n, maxPriorityFeePerGas: 113n } })];
    expect(decide(state(attempts), mined, nowMs, timing)).toMatchObject({ action: "final", hash: "0xa" });
  });

  it("rebroadcasts the same signed transaction when the node lost it", () => {
    expect(decide(state([attempt("0xa")]), seen({ knownHashes: [] }), nowMs, timing)).toEqual({ action: "rebroadcast", hash: "0xa" });
  });

  it("rebroadcasts a transaction whose broadcast outcome was never recorded (a crash after sending)", () => {
    expect(decide(state([attempt("0xa", { sentAtMs: null })]), seen({ knownHashes: [] }), nowMs, timing)).toEqual({ action: "rebroadcast", hash: "0xa" });
  });

  it("replaces at the same nonce with a bumped fee when stuck past the timeout", () => {
    const stuck = attempt("0xa", { sentAtMs: nowMs - 60_000 });
    expect(decide(state([stuck]), seen(), nowMs, timing)).toEqual({ action: "replace", fees: { maxFeePerGas: 1_125n, maxPriorityFeePerGas: 113n } });
  });

  it("replaces when the node said the fee is too low", () => {
    expect(decide(state([attempt("0xa", { lastError: "fee_too_low", sentAtMs: null })]), seen({ knownHashes: [] }), nowMs, timing).action).toBe("replace");
  });

  it("waits instead of passing the fee ceiling", () => {
    const stuck = attempt("0xa", { sentAtMs: nowMs - 60_000 });
    expect(decide(state([stuck]), seen(), nowMs, { ...timing, maxFeePerGasCeiling: 1_100n }).action).toBe("wait");
  });

  it("re-signs the same settlement at a new nonce when another transaction took ours", () => {
    expect(decide(state([attempt("0xa")]), seen({ minedNonce: 8, knownHashes: [] }), nowMs, timing)).toEqual({ action: "resign_new_nonce", settlementId: 3 });
  });

  it("is already settled when the counter passed our id through one of our hashes", () => {
    const other = seen({ settledCount: 3, settledByHash: "0xa", minedNonce: 8 });
    expect(decide(state([attempt("0xa")]), other, nowMs, timing)).toEqual({ action: "already_settled", hash: "0xa" });
  });

  it("takes the next id when the counter passed our id through a transaction not ours", () => {
    expect(decide(state([attempt("0xa")]), seen({ settledCount: 3, settledByHash: "0xdead", minedNonce: 8 }), nowMs, timing).action).toBe("reverted_retry");
  });

  it("retries after a revert for a passing reason (paused)", () => {
    const reverted = seen({ receipts: [{ hash: "0xa", ok: false, blockNumber: 100, revert: { kind: "paused" } }], minedNonce: 8 });
    expect(decide(state([attempt("0xa")]), reverted, nowMs, timing).action).toBe("reverted_retry");
  });

  it("abandons after a revert that will not pass (a zero address)", () => {
    const reverted = seen({ receipts: [{ hash: "0xa", ok: false, blockNumber: 100, revert: revertKind("SettlementToZeroAddress") }], minedNonce: 8 });
    expect(decide(state([attempt("0xa")]), reverted, nowMs, timing).action).toBe("abandon");
  });

  it("puts a batch whose receipt vanished in a reorg back in flight", () => {
    expect(decide(state([attempt("0xa")]), seen({ receipts: [], knownHashes: ["0xa"] }), nowMs, timing).action).toBe("wait");
    expect(decide(state([attempt("0xa")]), seen({ receipts: [], knownHashes: [] }), nowMs, timing).action).toBe("rebroadcast");
  });

  it("classifies revert reasons by whether a retry can pass", () => {
    expect(revertKind("EnforcedPause")).toEqual({ kind: "paused" });
    expect(revertKind("AccessControlUnauthorizedAccount")).toMatchObject({ kind: "permanent" });
    expect(revertKind(null)).toEqual({ kind: "passes_now" });
  });
});
