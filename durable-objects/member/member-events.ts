/**
 * What the Member actor tells the rest of the system, through its outbox and the Queue. Each
 * event carries the member's whole snapshot and a per-member sequence number, so projections
 * keep the newest snapshot and are idempotent under redelivery and reordering.
 */
export type MemberSnapshot = {
  tier: string;
  available: number;
  lifetimePoints: number;
  lifetimeSpendCents: number;
  visits: number;
  debt: number;
};

/** Posted facts only: pending points and unposted purchases stay in the actor until they post. */
export type VenueSnapshot = { venueId: string; visits: number; spendCents: number };

export type SettlementRecord = {
  id: string;
  programId: string;
  redemptionId: string;
  earningVenueId: string;
  redeemingVenueId: string;
  points: number;
  valueCents: number;
  feeCents: number;
  atMs: number;
};

export type MemberEventKind =
  | "enrolled"
  | "points_posted"
  | "purchase_refunded"
  | "redeemed"
  | "redemption_consumed"
  | "redemption_cancelled"
  | "points_expiring"
  | "points_expired"
  | "tier_changed"
  | "points_adjusted"
  | "points_credited"
  | "streak_claimed"
  | "streak_at_risk"
  | "inactive_48h"
  | "referral_recorded"
  | "referral_reversed"
  | "referral_payout_parked"
  | "member_verified"
  | "payout_reserved"
  | "payout_settled"
  | "payout_returned";

export type MemberEvent = {
  v: 1;
  memberId: string;
  programId: string;
  seq: number;
  atMs: number;
  kind: MemberEventKind;
  snapshot: MemberSnapshot;
  venues: VenueSnapshot[];
  settlements: SettlementRecord[];
  data: Record<string, string | number | boolean | null>;
};
