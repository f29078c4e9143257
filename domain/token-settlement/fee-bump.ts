/**
 * A stuck or underpriced settlement is replaced at the same nonce with higher fees. Nodes (geth's
 * txpool, hardhat) refuse a replacement that does not raise both fee caps by at least 10 %; we raise
 * by 12.5 % and round up, so integer rounding never lands under the node's bar.
 */
export const feeBumpNumerator = 1125n;
export const feeBumpDenominator = 1000n;

export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

function bump(value: bigint): bigint {
  const raised = (value * feeBumpNumerator + feeBumpDenominator - 1n) / feeBumpDenominator;
  // A fee of a few wei would round to itself: a replacement always raises by at least 1 wei.
  return raised > value ? raised : value + 1n;
}

/**
 * The fees of the next replacement, or `fee_ceiling_reached` when the bump would pass the ceiling the
 * operator set (the settler then waits for the chain rather than overpay). The priority fee never
 * exceeds the max fee.
 */
export function bumpedFees(previous: Fees, maxFeePerGasCeiling: bigint): Fees | { rejected: "fee_ceiling_reached" } {
  const maxFeePerGas = bump(previous.maxFeePerGas);
  if (maxFeePerGas > maxFeePerGasCeiling) return { rejected: "fee_ceiling_reached" };
  const priority = bump(previous.maxPriorityFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas: priority > maxFeePerGas ? maxFeePerGas : priority };
}

/** A first attempt's fees: what the node suggests, capped by the operator's ceiling. */
export function startingFees(suggested: Fees, ceiling: bigint): Fees {
  const maxFeePerGas = suggested.maxFeePerGas > ceiling ? ceiling : suggested.maxFeePerGas;
  const maxPriorityFeePerGas = suggested.maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : suggested.maxPriorityFeePerGas;
  return { maxFeePerGas, maxPriorityFeePerGas };
}
