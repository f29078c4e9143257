import type { EnrollmentRequest } from "../../domain/members/enrollment";
import type { MemberProfile } from "../../domain/members/member-profile";
import type { RedemptionState } from "../../domain/rewards/stock-units";

/**
 * Actor RPC payloads carry a version: during a deploy a new Worker may call an old object
 * (and the reverse) for minutes, so each side accepts the current and the previous version (§9).
 * Version 2: the Member derives every record id from the key itself; a redemption carries its
 * code (registered before the call) and the stock's hold token.
 */
export const memberRpcVersion: 2 = 2;
export type SupportedVersion = typeof memberRpcVersion | 1;

export type ErrorBody = { error: { code: string; message: string } };

export type EnrollCommand = {
  v: SupportedVersion;
  idempotencyKey?: string;
  requestHash: string;
  request: EnrollmentRequest;
  /** The program's rules: with them a community member's join bonus is paid in the enrollment's own transaction. */
  program?: ProgramContext;
  /** The checksummed wallet a Sign-In with Ethereum enrollment signed with: pinned as the payout wallet at once. */
  payoutWallet?: string;
};

export type EnrollReply =
  | { status: 201 | 200; body: MemberProfile; replayed: boolean }
  | { status: 409 | 422; body: ErrorBody; replayed: boolean };

export type ProfileReply = { status: 200; body: MemberProfile } | { status: 404; body: ErrorBody };

export type ProgramContext = { id: string; config: import("../../domain/programs/program-config").ProgramConfig };

export type VenueContext = {
  id: string;
  timezone: string;
  participatesInCoalition: boolean;
  allowCrossVenueRedemption: boolean;
  maxCrossVenueRedemptionPercent: number;
  revenueSharePercent: number;
  earnRatePerDollar: number | null;
};

/** Every ledger write: its key, the fingerprint of its body, and (tests only) the time to act at. */
export type WriteEnvelope = { v: SupportedVersion; idempotencyKey?: string; requestHash: string; dryRun?: boolean; program: ProgramContext; nowMs?: number };

export type PurchaseCommand = WriteEnvelope & {
  venue: VenueContext;
  amountCents: number;
  occurredAt: string;
};

export type RefundCommand = WriteEnvelope & { venueId: string; purchaseId: string; amountCents: number };

export type RedeemCommand = WriteEnvelope & {
  reward: import("../../domain/rewards/reward-rules").RewardRules;
  redeemingVenue: VenueContext | null;
  /** Venues outside the coalition: their points stay with them. */
  nonCoalitionVenueIds: string[];
  purchaseCents: number | null;
  /** The code the Worker registered for this redemption (version 1 passed it beside the command). */
  code?: string;
  /** The RewardStock hold this redemption is made under; null for an unstocked reward. */
  holdToken?: string | null;
  /** The stock already gave this request's unit back: the Member may only replay, never redeem anew. */
  unitReturned?: boolean;
};

export type AdjustCommand = WriteEnvelope & { points: number; reason: string; qualifies?: boolean };

/** A community action to credit: what rooms, chat callbacks, governance and operators send. */
export type CommunityActionCommand = WriteEnvelope & { kind: string; sourceId: string; occurredAtMs?: number };

/** A chat message a Tencent Chat callback reported (a claim: see workers/webhooks/chat.ts). No key: (group, sequence) is its natural id. */
export type ChatMessageCommand = Omit<WriteEnvelope, "requestHash" | "idempotencyKey" | "dryRun"> & { message: import("../../domain/chat/chat-activity").ChatMessage };

/** Pins a payout wallet (one of the member's own SIWE-linked wallets: the Worker checked it in D1). */
export type PinPayoutWalletCommand = Omit<WriteEnvelope, "requestHash" | "idempotencyKey" | "dryRun"> & { address: string; by: "member" | "operator" };

/** Cancels the payout wallet change that is still cooling off. */
export type CancelPayoutRelinkCommand = Omit<WriteEnvelope, "requestHash" | "idempotencyKey" | "dryRun"> & { by: "member" | "operator" };

export type RedemptionActionCommand = { v: SupportedVersion; program: ProgramContext; redemptionId: string; venueId: string | null; code?: string; nowMs?: number };

/** An answer as stored for replay: the body is JSON (it went through JSON.stringify). */
export type Reply = { status: number; body: object; replayed: boolean };

/** A redemption's answer, with what the Member durably holds for that redemption id (the stock follows it). */
export type RedeemReply = Reply & { redemption: { state: RedemptionState; token: string | null } };

/** Refuses versions this object cannot read; the previous one is translated by the caller's method. */
export function assertVersion(version: number): asserts version is SupportedVersion {
  if (version !== memberRpcVersion && version !== memberRpcVersion - 1) {
    throw new Error(`Member RPC version ${version} is not supported (expects ${memberRpcVersion} or ${memberRpcVersion - 1})`);
  }
}

/** Version 1 passed the redemption's ids beside the command and held no stock token. */
export function redeemCommandFromV1(command: RedeemCommand, ids?: { redemptionId: string; code: string }): RedeemCommand {
  if (command.v !== 1) return command;
  return { ...command, v: memberRpcVersion, code: command.code ?? ids?.code, holdToken: command.holdToken ?? null };
}
