import { creditAfterDebt } from "./credit";
import type { Rejection } from "./purchase-window";

export type AdjustmentDecision =
  | { ok: true; kind: "credit"; repaid: number; credited: number; qualifies: boolean }
  | { ok: true; kind: "debit"; debited: number; qualifies: boolean }
  | { ok: false; rejection: Rejection };

/**
 * A manual adjustment by customer service (goodwill, a correction). A credit repays debt first and
 * counts toward tiers only when the program says so; a debit never overdraws.
 */
export function decideAdjustment(points: number, facts: { available: number; debt: number; adjustmentsQualify: boolean }): AdjustmentDecision {
  if (points > 0) return { ok: true, kind: "credit", ...creditAfterDebt(facts.debt, points), qualifies: facts.adjustmentsQualify };
  if (-points > facts.available) {
    return { ok: false, rejection: { code: "insufficient_points", message: `This adjustment takes ${-points} points; the member has ${facts.available} available` } };
  }
  return { ok: true, kind: "debit", debited: -points, qualifies: facts.adjustmentsQualify };
}
