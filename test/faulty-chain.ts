import { Transaction, Wallet, keccak256 } from "ethers";
import { type FaultCounts, type FaultEvent, type FaultKind, type FaultReport, type FaultSettings, faultKinds } from "./faulty-chain-api";

/**
 * A JSON-RPC proxy in front of a hardhat node that injects the faults a real chain throws (issue 23),
 * from a seeded PRNG. It runs in Node as part of miniflare's outbound service (test/fake-chain.ts), for
 * the host the `workerd-chain-faults` project's CHAIN_RPC_URL names. Requests are handled one at a
 * time in arrival order, so a seed replays the same faults for the same sequence of requests.
 *
 * Per HTTP request: `rpc_down` (an outage of 1..rpcDownBurstMax requests answered 503; when the request
 * carried a transaction, half the time the node got it first: the outcome is unknown to the sender).
 * Per `eth_sendRawTransaction` from the settler's key, in order:
 * - `fee_too_low`: at random moments the fee floor rises 10–50% above this transaction's fee; a
 *   transaction under the floor is refused with geth's "transaction underpriced" until it is bumped,
 *   and the first one over it ends the spike (the floor falls back to nothing);
 * - `nonce_taken`: another transaction from the settler's key (a 0-value self-transfer, twice the fee)
 *   lands at the same nonce first, so the settler's transaction is refused "nonce too low";
 * - `drop_tx`: the proxy answers the transaction's hash and never forwards it: the transaction is lost;
 * - `reorg`: a snapshot is taken before the transaction's block; 1..reorgDelayRequestsMax requests after
 *   it was mined, if its block is still the head, the node reverts to the snapshot and mines an empty
 *   block at that height: the transaction vanishes and that height's hash changes (depth 1).
 * Chain progress: an empty block every `blockEveryRequests` requests (not while a reorg is pending).
 */

const eventsKeptMax = 1_000;
const jsonRpcUnderpriced = -32000;

type RpcCall = { jsonrpc?: string; id?: number | string | null; method?: string; params?: unknown[] };
type RpcAnswer = { jsonrpc: "2.0"; id: number | string | null; result?: unknown; error?: { code: number; message: string } };

/** mulberry32: small, fast and the same on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const zeroCounts = (): FaultCounts => ({ rpc_down: 0, drop_tx: 0, nonce_taken: 0, fee_too_low: 0, reorg: 0, requests: 0, blocksMined: 0, outcomeUnknown: 0 });

export function createFaultyChain(nodeUrl: () => string | undefined) {
  let settings: FaultSettings | null = null;
  let random = seededRandom(0);
  let counts = zeroCounts();
  let events: FaultEvent[] = [];
  let settler: Wallet | null = null;
  let feeFloorWei = 0n;
  let downLeft = 0;
  let pendingReorg: { snapshot: string; block: number; dueAtRequest: number; txHash: string } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const chance = (rate: number | undefined) => random() < (rate ?? 0);
  const upTo = (max: number) => 1 + Math.floor(random() * Math.max(1, max));

  function record(fault: FaultEvent["fault"], detail: string) {
    if (fault !== "fee_floor_raised" && fault !== "reorg_skipped") counts[fault as FaultKind]++;
    events.push({ request: counts.requests, fault, detail });
    if (events.length > eventsKeptMax) events = events.slice(-eventsKeptMax);
  }

  async function toNode(call: RpcCall): Promise<RpcAnswer> {
    const url = nodeUrl();
    if (!url) throw new Error("no hardhat node behind the faulty chain: only the workerd-chain-faults project starts one");
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: call.id ?? 1, method: call.method, params: call.params ?? [] }) });
    return (await response.json()) as RpcAnswer;
  }

  async function nodeResult(method: string, params: unknown[] = []): Promise<unknown> {
    const answer = await toNode({ id: 1, method, params });
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result;
  }

  const headNumber = async () => Number(await nodeResult("eth_blockNumber"));

  async function progress() {
    const every = settings?.blockEveryRequests ?? 0;
    if (every > 0 && counts.requests % every === 0 && !pendingReorg) {
      await nodeResult("evm_mine");
      counts.blocksMined++;
    }
  }

  async function reorgIfDue() {
    if (!pendingReorg || counts.requests < pendingReorg.dueAtRequest) return;
    const due = pendingReorg;
    pendingReorg = null;
    if ((await headNumber()) !== due.block) {
      record("reorg_skipped", `block ${due.block} is no longer the head`);
      return;
    }
    await nodeResult("evm_revert", [due.snapshot]);
    // Hardhat's revert already forgets the transaction; dropping it again makes sure the new block is empty.
    await toNode({ method: "hardhat_dropTransaction", params: [due.txHash] });
    await nodeResult("evm_mine");
    record("reorg", `block ${due.block} replaced by an empty block; ${due.txHash} vanished`);
  }

  /** Another transaction from the settler's key at the same nonce, mined first. False when the node refused it (nonce already used). */
  async function takeNonce(tx: Transaction): Promise<boolean> {
    if (!settler) return false;
    // Only the settler's next nonce can be taken; a later one would wait in the pool, not land first.
    if (Number(await nodeResult("eth_getTransactionCount", [settler.address, "pending"])) !== tx.nonce) return false;
    const fee = tx.maxFeePerGas ?? tx.gasPrice ?? 1_000_000_000n;
    const tip = tx.maxPriorityFeePerGas ?? fee;
    const raw = await settler.signTransaction({
      type: 2,
      chainId: tx.chainId,
      nonce: tx.nonce,
      to: settler.address,
      value: 0n,
      gasLimit: 21_000n,
      maxFeePerGas: fee * 2n + 1_000_000_000n,
      maxPriorityFeePerGas: tip * 2n + 1_000_000_000n,
    });
    const answer = await toNode({ method: "eth_sendRawTransaction", params: [raw] });
    return !answer.error;
  }

  async function answerCall(call: RpcCall): Promise<RpcAnswer> {
    const id = call.id ?? null;
    const raw = call.method === "eth_sendRawTransaction" ? call.params?.[0] : undefined;
    if (typeof raw !== "string" || !settler) return toNode(call);
    let tx: Transaction;
    try {
      tx = Transaction.from(raw);
    } catch {
      return toNode(call); // not a transaction: the node says why
    }
    if (tx.from !== settler.address) return toNode(call);
    const rates = settings?.rates ?? {};
    const fee = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
    if (chance(rates.feeTooLow)) {
      const raised = fee + (fee * BigInt(10 + Math.floor(random() * 41))) / 100n;
      if (raised > feeFloorWei) {
        feeFloorWei = raised;
        record("fee_floor_raised", `floor ${raised} wei`);
      }
    }
    if (fee < feeFloorWei) {
      record("fee_too_low", `nonce ${tx.nonce}: fee ${fee} under the floor ${feeFloorWei}`);
      return { jsonrpc: "2.0", id, error: { code: jsonRpcUnderpriced, message: `transaction underpriced: gas fee cap ${fee}, minimum needed ${feeFloorWei}` } };
    }
    // A fee that clears the floor ends the spike, as a base fee falls back after busy blocks.
    feeFloorWei = 0n;
    if (chance(rates.nonceTaken) && (await takeNonce(tx))) record("nonce_taken", `nonce ${tx.nonce} taken by a self-transfer`);
    if (chance(rates.dropTx)) {
      record("drop_tx", `nonce ${tx.nonce}: ${keccak256(raw)} answered and never sent`);
      return { jsonrpc: "2.0", id, result: keccak256(raw) };
    }
    if (!pendingReorg && chance(rates.reorg)) {
      const snapshot = String(await nodeResult("evm_snapshot"));
      const before = await headNumber();
      const answer = await toNode(call);
      if (!answer.error && (await headNumber()) === before + 1) {
        pendingReorg = { snapshot, block: before + 1, dueAtRequest: counts.requests + upTo(settings?.reorgDelayRequestsMax ?? 3), txHash: keccak256(raw) };
      }
      return answer;
    }
    return toNode(call);
  }

  async function handleRpc(request: Request): Promise<Response> {
    const body = await request.text();
    counts.requests++;
    await reorgIfDue();
    await progress();
    let parsed: RpcCall | RpcCall[];
    try {
      parsed = JSON.parse(body) as RpcCall | RpcCall[];
    } catch {
      return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const carriesTx = calls.some((call) => call.method === "eth_sendRawTransaction");
    if (downLeft > 0 || chance(settings?.rates.rpcDown)) {
      downLeft = downLeft > 0 ? downLeft - 1 : upTo(settings?.rpcDownBurstMax ?? 3) - 1;
      // The connection may drop after the node took a transaction: the sender cannot know which.
      if (carriesTx && random() < 0.5) {
        for (const call of calls) await toNode(call);
        counts.outcomeUnknown++;
      }
      record("rpc_down", calls.map((call) => call.method).join(","));
      return new Response("the chain's RPC is down (injected fault)", { status: 503 });
    }
    const answers: RpcAnswer[] = [];
    for (const call of calls) answers.push(await answerCall(call));
    return Response.json(Array.isArray(parsed) ? answers : answers[0]);
  }

  function configure(next: FaultSettings) {
    settings = next;
    random = seededRandom(next.seed);
    counts = zeroCounts();
    events = [];
    settler = next.settlerKey ? new Wallet(next.settlerKey) : null;
    feeFloorWei = 0n;
    downLeft = 0;
    pendingReorg = null;
  }

  const report = (): FaultReport => ({ settings, counts: { ...counts }, feeFloorWei: feeFloorWei.toString(), events: [...events] });

  async function control(request: Request): Promise<Response> {
    if (request.method === "GET") return Response.json(report());
    const next = (await request.json().catch(() => null)) as FaultSettings | null;
    if (!next || typeof next.seed !== "number" || typeof next.rates !== "object") return Response.json({ error: "send { seed: number, rates: { rpcDown, dropTx, nonceTaken, feeTooLow, reorg }, settlerKey?, blockEveryRequests? }" }, { status: 400 });
    configure(next);
    return Response.json(report());
  }

  return {
    /** The outbound service's entry: the control API at /__faults, JSON-RPC (single or batched) anywhere else. */
    handle(request: Request): Promise<Response> {
      const next = queue.then(() => (new URL(request.url).pathname === "/__faults" ? control(request) : handleRpc(request)));
      queue = next.catch(() => undefined);
      return next;
    },
    configure,
    report,
  };
}

export { faultKinds };
