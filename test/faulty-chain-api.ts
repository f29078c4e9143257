import { chainTestHosts } from "./chain-accounts";

/**
 * The fault-injecting chain's control API (test/faulty-chain.ts), shared by the proxy (Node) and the
 * tests that drive it (workerd or Node): no Node or workerd imports here.
 *
 * `POST http://faulty-chain.test/__faults` with `FaultSettings` starts a new run (counts, the fee floor
 * and any pending reorg are reset; the PRNG is re-seeded); `GET` answers `FaultReport`.
 */
export const faultControlUrl = `${chainTestHosts.faults}/__faults`;

export const faultKinds = ["rpc_down", "drop_tx", "nonce_taken", "fee_too_low", "reorg"] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The chance of each fault per decision point, 0–1 (see the proxy for where each is decided). */
export type FaultRates = { rpcDown: number; dropTx: number; nonceTaken: number; feeTooLow: number; reorg: number };

export type FaultSettings = {
  /** The PRNG's seed: the same seed and the same requests in the same order give the same faults. */
  seed: number;
  rates: Partial<FaultRates>;
  /** The settler's private key: transaction faults touch only its transactions, and `nonce_taken` signs with it. */
  settlerKey?: string;
  /** Mine an empty block every this many requests, so confirmations accrue on an idle automining node (0: never). */
  blockEveryRequests?: number;
  /** An outage lasts 1 to this many requests (default 3). */
  rpcDownBurstMax?: number;
  /** A reorg happens 1 to this many requests after the settle transaction was mined (default 3). */
  reorgDelayRequestsMax?: number;
};

/** How many of each fault were injected since the last POST, and what the proxy did besides. */
export type FaultCounts = Record<FaultKind, number> & { requests: number; blocksMined: number; outcomeUnknown: number };

export type FaultEvent = { request: number; fault: FaultKind | "fee_floor_raised" | "reorg_skipped"; detail: string };

export type FaultReport = { settings: FaultSettings | null; counts: FaultCounts; feeFloorWei: string; events: FaultEvent[] };

/** The total of injected faults (what the ≥ 1,000-fault acceptance counts). */
export const faultsInjected = (counts: FaultCounts): number => faultKinds.reduce((sum, kind) => sum + counts[kind], 0);

/** Starts a fault run (from a test: in workerd this fetch goes through the outbound service to the proxy). */
export async function startFaults(settings: FaultSettings): Promise<void> {
  const response = await fetch(faultControlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settings) });
  if (!response.ok) throw new Error(`fault settings refused: ${response.status} ${await response.text()}`);
}

export async function faultReport(): Promise<FaultReport> {
  const response = await fetch(faultControlUrl);
  if (!response.ok) throw new Error(`fault report: ${response.status} ${await response.text()}`);
  return (await response.json()) as FaultReport;
}
