/** The reward token's decimals: base units per whole token are 10^18 (contracts/src/RewardToken.sol). */
export const tokenDecimals = 18;
const unitsPerToken = 10n ** BigInt(tokenDecimals);

/** A whole-token amount as people write it ("100", "0.5"): at most 18 decimals, no sign, no exponent. */
export const tokenDecimalPattern = /^(0|[1-9][0-9]{0,59})(\.[0-9]{1,18})?$/;

/** Whole tokens (a decimal string or a number such as 100 or 0.5) in base units; null when not written as a plain decimal. */
export function tokensToUnits(tokens: string | number): bigint | null {
  const text = typeof tokens === "number" ? (Number.isFinite(tokens) ? String(tokens) : "") : tokens;
  if (!tokenDecimalPattern.test(text)) return null;
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole) * unitsPerToken + BigInt(fraction.padEnd(tokenDecimals, "0"));
}

/** Base units as whole tokens for people to read: up to `decimalsShownMax` decimals (rounded down), trailing zeros dropped. */
export function wholeTokens(units: bigint, decimalsShownMax = 6): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const fraction = (magnitude % unitsPerToken).toString().padStart(tokenDecimals, "0").slice(0, decimalsShownMax).replace(/0+$/, "");
  return `${negative ? "-" : ""}${magnitude / unitsPerToken}${fraction ? `.${fraction}` : ""}`;
}

/** Base units as whole tokens, exactly ("12.5", "0", "0.000000000000000001"). */
export const unitsToTokens = (units: bigint): string => wholeTokens(units, tokenDecimals);

/** Base units in whole tokens as a float: for sums, ratios and ordering in analytics only, never for money. */
export const approximateTokens = (units: bigint): number => Number(units) / Number(unitsPerToken);

/** Points at the program's rate, in base units: integer maths only (a float loses units past 2^53). */
export function pointsToUnits(points: number, tokenUnitsPerPoint: string): bigint {
  return BigInt(points) * BigInt(tokenUnitsPerPoint);
}
