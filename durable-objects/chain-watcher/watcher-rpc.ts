/** One orphaned block of a reorg: the hash the watcher had read and the chain's hash now (null: the chain is shorter). */
export type OrphanedBlock = { number: number; oldHash: string; newHash: string | null };

/**
 * A reorg deeper than the confirmation depth, as recorded and logged. `repaired`: the watcher rewound to
 * the common ancestor, reversed the orphaned blocks' transfers and reads them again. `deeper_than_window`:
 * no stored block survived, the watcher stops and an operator must act (see the README).
 */
export type ReorgReport = {
  id: number;
  detectedAtMs: number;
  kind: "repaired" | "deeper_than_window";
  /** How many blocks the watcher had read past the common ancestor (at least that many were replaced). */
  depth: number;
  ancestorBlock: number | null;
  firstBlock: number;
  lastBlock: number;
  blocks: OrphanedBlock[];
  transfersReversed: number;
  /** When an operator rebuilt the view after a too-deep reorg (null: not yet, or a repaired one). */
  resolvedAtMs: number | null;
};

export type PollResult =
  | {
      ok: true;
      /** The chain's head and the newest block read (head − confirmations + 1). */
      head: number;
      confirmedHead: number;
      /** The last block read after this poll (null before the first). */
      cursor: number | null;
      transfersApplied: number;
      reorgs: ReorgReport[];
      holdingsPublished: number;
      caughtUp: boolean;
    }
  | { ok: false; code: "token_not_configured" | "chain_unavailable" | "deep_reorg_needs_operator"; message: string; holdingsPublished: number };

export type WatcherStatus = { cursor: { number: number; hash: string } | null; unpublished: number; reorgs: ReorgReport[] };

/** What an operator's rebuild did: every address's figures set to zero, then read again from block 0. */
export type RebuildResult = { addressesReset: number; poll: PollResult };
