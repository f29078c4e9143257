import { unitsToTokens } from "../../domain/token-settlement/token-units";
import type { TokenSettlementRules } from "../../domain/token-settlement/settlement-config";
import { points } from "./formatting";

/** The program's token has no symbol in its settings yet: the pages say "tokens". */
export const tokenNoun = "tokens";

/** Base units (decimal string) as whole tokens, exact: "1.5 tokens". */
export function tokens(baseUnits: string | bigint): string {
  const whole = unitsToTokens(BigInt(baseUnits));
  return `${whole} ${whole === "1" ? "token" : tokenNoun}`;
}

/** "0xabcd…1234": enough of an address or hash to recognise, the rest in a title or a link. */
export function shortHex(hex: string): string {
  return hex.length <= 14 ? hex : `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/** The rate in words: "1 point = 0.01 token". */
export function rateInWords(rules: TokenSettlementRules): string {
  return `1 point = ${tokens(rules.tokenUnitsPerPoint).replace(/ tokens$/, " token")}`;
}

/**
 * Why points cannot become tokens now, said to the member: the cut's refusal codes
 * (domain/token-settlement/payout-decision.ts), with the figures the rule gave.
 */
export function payoutRefusalInWords(code: string, message: string, rules: TokenSettlementRules | undefined): string {
  switch (code) {
    case "settlement_not_offered":
      return "This community does not turn points into tokens.";
    case "member_not_verified":
      return "Only verified members turn points into tokens. Take part in an AMA, a live event or a chat first.";
    case "no_payout_wallet":
      return "You have no payout wallet yet. Sign in with a wallet, then choose it as your payout wallet below.";
    case "points_in_debt":
      return "You owe points from a refund or a reversal. Your points turn into tokens again once new earnings have repaid it.";
    case "daily_ceiling_reached":
      return rules ? `You reached today's limit: at most ${points(rules.dailyCeilingPoints)} turn into tokens per day. Try again tomorrow.` : "You reached today's limit. Try again tomorrow.";
    case "below_minimum_payout": {
      const settleable = Number(/^(\d+) points can settle/.exec(message)?.[1] ?? Number.NaN);
      if (!rules || !Number.isFinite(settleable)) return "You do not have enough points that can become tokens yet.";
      return `You have ${points(settleable)} that can become tokens; a payout needs at least ${points(rules.minPayoutPoints)}. Earn ${points(rules.minPayoutPoints - settleable)} more.`;
    }
    case "idempotency_key_reused":
      return "This form is out of date. Try again.";
    default:
      return message;
  }
}

/** Who changed the payout wallet, in words. */
export const walletActorWords = { member: "you", operator: "support", enrollment: "when you joined" } as const;
