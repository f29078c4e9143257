import { tokensToUnits, unitsToTokens } from "../token-settlement/token-units";
import type { GateLeafKind, GateRequirement } from "./requirement";

/** What the engine knows about a member when it checks a gate; the caller reads it, the rule stays pure. */
export type GateFacts = {
  tier: string;
  lifetimePoints: number;
  walletLinked: boolean;
  accountAgeDays: number;
  streakDays: number;
  /**
   * Tokens the member received through settlement, in base units (a decimal string), as the Member
   * actor records them: gates never call the chain. Absent: none.
   */
  settledTokenAmount?: string;
};

/**
 * A leaf that blocks the gate. Without `negated` the leaf must hold and does not; with `negated: true`
 * it sits under a `not`, so it must not hold and does.
 */
export type UnmetLeaf = {
  leaf: GateLeafKind;
  required: string | number | boolean;
  current: string | number | boolean;
  negated?: true;
};

export type GateResult = { pass: true } | { pass: false; unmet: UnmetLeaf[] };

/**
 * Why a subtree passes (`because`: the leaves it passes on) or fails (`unmet`). A `not` needs the first
 * to explain its own failure: negating "passes because tier is GOLD" gives "fails because tier is GOLD".
 */
type Verdict = { pass: true; because: UnmetLeaf[] } | { pass: false; unmet: UnmetLeaf[] };

/** Checks a member against a gate. The tree must have passed GateRequirementSchema (non-empty lists, n ≤ of). */
export function evaluateGate(requirement: GateRequirement, facts: GateFacts, tierLadder: readonly string[]): GateResult {
  const verdict = judge(requirement, facts, tierLadder);
  if (verdict.pass) return { pass: true };
  // A validated tree never fails without a reason; an empty list means an unvalidated tree reached the rule.
  if (verdict.unmet.length === 0) throw new Error("gate failed with no unmet leaf; parse the requirement with GateRequirementSchema first");
  return { pass: false, unmet: verdict.unmet };
}

function judge(requirement: GateRequirement, facts: GateFacts, tierLadder: readonly string[]): Verdict {
  const judgeChild = (child: GateRequirement) => judge(child, facts, tierLadder);
  if ("all" in requirement) return atLeastOf(requirement.all.length, requirement.all.map(judgeChild));
  if ("any" in requirement) return atLeastOf(1, requirement.any.map(judgeChild));
  if ("atLeast" in requirement) return atLeastOf(requirement.atLeast.n, requirement.atLeast.of.map(judgeChild));
  if ("not" in requirement) {
    const child = judgeChild(requirement.not);
    return child.pass ? { pass: false, unmet: child.because.map(negate) } : { pass: true, because: child.unmet.map(negate) };
  }
  return judgeLeaf(requirement, facts, tierLadder);
}

/**
 * `all` is atLeast(every child) and `any` is atLeast(1): each passes on its passing children and
 * fails on its failing ones (for a failed `any`, that is every child: meeting any one's leaves would do).
 */
function atLeastOf(n: number, children: Verdict[]): Verdict {
  const passing = children.filter((child) => child.pass);
  if (passing.length >= n) return { pass: true, because: distinct(passing.flatMap((child) => child.because)) };
  return { pass: false, unmet: distinct(children.flatMap((child) => (child.pass ? [] : child.unmet))) };
}

type Leaf = Exclude<GateRequirement, { all: unknown } | { any: unknown } | { atLeast: unknown } | { not: unknown }>;

function judgeLeaf(leaf: Leaf, facts: GateFacts, tierLadder: readonly string[]): Verdict {
  const [outcome, detail] = leafOutcome(leaf, facts, tierLadder);
  return outcome ? { pass: true, because: [detail] } : { pass: false, unmet: [detail] };
}

function leafOutcome(leaf: Leaf, facts: GateFacts, tierLadder: readonly string[]): [boolean, UnmetLeaf] {
  if ("tierAtLeast" in leaf) {
    const detail: UnmetLeaf = { leaf: "tierAtLeast", required: leaf.tierAtLeast, current: facts.tier };
    const requiredRank = tierLadder.indexOf(leaf.tierAtLeast);
    // A member's tier outside the ladder ranks below all (-1); a required tier outside it fails closed.
    return [requiredRank !== -1 && tierLadder.indexOf(facts.tier) >= requiredRank, detail];
  }
  if ("lifetimePointsAtLeast" in leaf) {
    return atLeastNumber("lifetimePointsAtLeast", leaf.lifetimePointsAtLeast, facts.lifetimePoints);
  }
  if ("walletLinked" in leaf) {
    return [facts.walletLinked, { leaf: "walletLinked", required: true, current: facts.walletLinked }];
  }
  if ("accountAgeDaysAtLeast" in leaf) {
    return atLeastNumber("accountAgeDaysAtLeast", leaf.accountAgeDaysAtLeast, facts.accountAgeDays);
  }
  if ("tokenBalanceAtLeast" in leaf) {
    const settled = BigInt(facts.settledTokenAmount ?? "0");
    // Shown as whole tokens on both sides; compared in base units (BigInt), never as floats.
    const required = tokensToUnits(leaf.tokenBalanceAtLeast) ?? 0n;
    return [required > 0n && settled >= required, { leaf: "tokenBalanceAtLeast", required: unitsToTokens(required), current: unitsToTokens(settled) }];
  }
  return atLeastNumber("streakDaysAtLeast", leaf.streakDaysAtLeast, facts.streakDays);
}

function atLeastNumber(leaf: GateLeafKind, required: number, current: number): [boolean, UnmetLeaf] {
  return [current >= required, { leaf, required, current }];
}

function negate(detail: UnmetLeaf): UnmetLeaf {
  const { negated, ...plain } = detail;
  return negated ? plain : { ...plain, negated: true };
}

/** The same leaf reached twice (e.g. GOLD required in two branches) is one thing to fix, so it is listed once. */
function distinct(details: UnmetLeaf[]): UnmetLeaf[] {
  const seen = new Set<string>();
  return details.filter((detail) => {
    const key = JSON.stringify([detail.leaf, detail.required, detail.current, detail.negated === true]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
