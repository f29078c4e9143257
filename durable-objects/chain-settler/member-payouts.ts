import { memberRpcVersion } from "../member/rpc-types";

/**
 * The Member actor's payout methods, as agreed for issue 23 (engineer A writes them in
 * durable-objects/member/member.ts). Declared here once so the settler calls them typed; when the
 * branches merge, the cast below is the one line to delete.
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
  return env.MEMBER.getByName(memberId) as unknown as PayoutLedger;
}
