import { memberRpcVersion } from "../member/rpc-types";

/**
 * The Member actor's payout methods (durable-objects/member/member.ts) as the settler uses them: a
 * test can put members of its own in their place (test/settler.ts).
 */
export type ConfirmTokenPayout = { v: number; intentId: string; settlementId: number; txHash: string; atMs: number };
export type ReturnTokenPayout = { v: number; intentId: string; reason: string; atMs: number };
export type TokenPayoutLedger = { memberId: string; reservedTokenAmount: string; settledTokenAmount: string; reserved: { intentId: string; tokenAmount: string }[] };

export type PayoutLedger = {
  confirmTokenPayout(c: ConfirmTokenPayout): Promise<{ ok: true; status: "settled" } | { ok: false; code: "unknown_intent" | "already_returned" }>;
  returnTokenPayout(c: ReturnTokenPayout): Promise<{ ok: true; status: "returned" } | { ok: false; code: "unknown_intent" | "already_settled" }>;
  tokenPayoutLedger(): Promise<TokenPayoutLedger>;
};

export { memberRpcVersion };

/** The member's payout methods. */
export function memberPayouts(env: Env, memberId: string): PayoutLedger {
  return env.MEMBER.getByName(memberId);
}
