/**
 * Ledger and chain must agree (ARCHITECTURE §7): for each member, what final settlements minted to
 * them plus what is reserved and not yet in a final settlement equals the ledger's reserved + settled
 * total. A difference is reported, never corrected.
 */

export type MintCheck = { address: string; expected: bigint; minted: bigint };

/**
 * Compares what a settlement's receipt minted (its `Transfer(0x0 → address)` logs) with what the
 * batch meant to pay each address. Every address that differs, in either direction, is returned.
 */
export function mintDifferences(expected: ReadonlyMap<string, bigint>, minted: ReadonlyMap<string, bigint>): MintCheck[] {
  const addresses = new Set([...expected.keys(), ...minted.keys()].map((address) => address.toLowerCase()));
  const lower = (map: ReadonlyMap<string, bigint>) => new Map([...map].map(([address, amount]) => [address.toLowerCase(), amount] as const));
  const want = lower(expected);
  const got = lower(minted);
  const differences: MintCheck[] = [];
  for (const address of addresses) {
    const e = want.get(address) ?? 0n;
    const m = got.get(address) ?? 0n;
    if (e !== m) differences.push({ address, expected: e, minted: m });
  }
  return differences;
}

/** One of the member's intents as the settler knows it: in a final settlement (with what the chain minted for it) or not. */
export type SettlerIntent = { intentId: string; tokenAmount: bigint; finalSettlementId: number | null; mintedOnChain: bigint };

export type MemberLedger = { reservedTokenAmount: bigint; settledTokenAmount: bigint; reserved: readonly { intentId: string; tokenAmount: bigint }[] };

export type MemberDifference = { memberId: string; chainPlusUnsettled: bigint; ledger: bigint; onChain: bigint; unsettled: bigint; settlementIds: number[] };

/**
 * Splits what a settlement minted to one address over that address's intents in the batch, oldest
 * first, each up to its amount: a batch that minted what it meant gives each intent its own amount.
 */
export function splitMinted(minted: bigint, intents: readonly { intentId: string; tokenAmount: bigint }[]): Map<string, bigint> {
  const shares = new Map<string, bigint>();
  let left = minted;
  intents.forEach((intent, index) => {
    const last = index === intents.length - 1;
    const share = last ? left : left < intent.tokenAmount ? left : intent.tokenAmount;
    shares.set(intent.intentId, share);
    left -= share;
  });
  return shares;
}

/** The member's difference, or null when chain + unsettled equals the ledger. */
export function reconcileMember(memberId: string, settler: readonly SettlerIntent[], ledger: MemberLedger): MemberDifference | null {
  const inFinal = new Map(settler.filter((intent) => intent.finalSettlementId !== null).map((intent) => [intent.intentId, intent] as const));
  const onChain = [...inFinal.values()].reduce((sum, intent) => sum + intent.mintedOnChain, 0n);
  const unsettled = ledger.reserved.filter((intent) => !inFinal.has(intent.intentId)).reduce((sum, intent) => sum + intent.tokenAmount, 0n);
  const total = ledger.reservedTokenAmount + ledger.settledTokenAmount;
  if (onChain + unsettled === total) return null;
  const settlementIds = [...new Set([...inFinal.values()].map((intent) => intent.finalSettlementId!))].sort((a, b) => a - b);
  return { memberId, chainPlusUnsettled: onChain + unsettled, ledger: total, onChain, unsettled, settlementIds };
}
