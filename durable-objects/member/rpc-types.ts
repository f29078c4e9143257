import type { EnrollmentRequest } from "../../domain/members/enrollment";
import type { MemberProfile } from "../../domain/members/member-profile";

/**
 * Actor RPC payloads carry a version: during a deploy a new Worker may call an old object
 * (and the reverse) for minutes, so each side accepts the current and the previous version (§9).
 */
export const memberRpcVersion = 1;

export type ErrorBody = { error: { code: string; message: string } };

export type EnrollCommand = {
  v: typeof memberRpcVersion;
  idempotencyKey?: string;
  requestHash: string;
  request: EnrollmentRequest;
};

export type EnrollReply =
  | { status: 201 | 200; body: MemberProfile; replayed: boolean }
  | { status: 422; body: ErrorBody; replayed: boolean };

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
type WriteEnvelope = { v: typeof memberRpcVersion; idempotencyKey?: string; requestHash: string; dryRun?: boolean; program: ProgramContext; nowMs?: number };

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
};

export type RedemptionActionCommand = { v: typeof memberRpcVersion; program: ProgramContext; redemptionId: string; venueId: string | null; nowMs?: number };

/** An answer as stored for replay: the body is JSON (it went through JSON.stringify). */
export type Reply = { status: number; body: object; replayed: boolean };
