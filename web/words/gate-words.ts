import type { UnmetLeaf } from "../../domain/gates/evaluate-gate";
import type { Tier } from "../../domain/programs/program-config";
import { points } from "./formatting";

const actionNames: Record<string, string> = {
  scheduleAma: "Schedule an AMA",
  createEvent: "Create a live event",
  propose: "Propose in governance",
  vote: "Vote in governance",
};

/** "channel:alpha-signals" → "#alpha-signals"; the gated actions by what they let a member do. */
export function gateName(gate: string): string {
  if (gate.startsWith("channel:")) return `#${gate.slice("channel:".length)}`;
  return actionNames[gate] ?? gate;
}

const count = (value: number, one: string, many: string) => `${value.toLocaleString("en-US")} ${value === 1 ? one : many}`;

/** What is missing, in words a member can act on: "reach GOLD: 1,250 points to go". */
export function missingInWords(leaf: UnmetLeaf, tiers: readonly Tier[], lifetimePoints: number): string {
  if (leaf.negated) return `only without: ${leaf.leaf} ${String(leaf.required)}`;
  switch (leaf.leaf) {
    case "tierAtLeast": {
      const threshold = tiers.find((tier) => tier.code === leaf.required)?.qualify.lifetimePoints;
      return threshold === undefined ? `reach ${String(leaf.required)}` : `reach ${String(leaf.required)}: ${points(Math.max(0, threshold - lifetimePoints))} to go`;
    }
    case "lifetimePointsAtLeast":
      return `earn ${points(Number(leaf.required))} in all: ${points(Number(leaf.required) - Number(leaf.current))} to go`;
    case "walletLinked":
      return "link a wallet";
    case "accountAgeDaysAtLeast":
      return `be a member for ${count(Number(leaf.required), "day", "days")}: ${count(Number(leaf.required) - Number(leaf.current), "day", "days")} to go`;
    case "streakDaysAtLeast":
      return `keep a ${Number(leaf.required).toLocaleString("en-US")}-day streak (yours is ${count(Number(leaf.current), "day", "days")})`;
    case "tokenBalanceAtLeast":
      return `hold ${String(leaf.required)} settled tokens (you have ${String(leaf.current)})`;
  }
}
