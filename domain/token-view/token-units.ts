/** RewardToken's decimals (contracts/src/RewardToken.sol): one whole token is 10^18 base units. */
export const tokenDecimals = 18;
const unit = 10n ** BigInt(tokenDecimals);

/** A base-unit amount as whole tokens for people to read: up to 6 decimals, trailing zeros dropped (rounded down). */
export function wholeTokens(baseUnits: bigint, decimalsShownMax = 6): string {
  const negative = baseUnits < 0n;
  const magnitude = negative ? -baseUnits : baseUnits;
  const whole = magnitude / unit;
  const fraction = (magnitude % unit).toString().padStart(tokenDecimals, "0").slice(0, decimalsShownMax).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** A base-unit amount in whole tokens as a float: for sums, ratios and ordering in analytics only, never for money. */
export const approximateTokens = (baseUnits: bigint): number => Number(baseUnits) / Number(unit);
