import { money, points } from "./formatting";

export type TierProgress = { tier: string; metric: "lifetimePoints" | "lifetimeSpendCents" | "visits"; current: number; required: number; remaining: number };

const visits = (count: number) => `${count.toLocaleString("en-US")} ${count === 1 ? "visit" : "visits"}`;

function amount(metric: TierProgress["metric"], value: number, currency: string): string {
  if (metric === "visits") return visits(value);
  if (metric === "lifetimeSpendCents") return money(value, currency);
  return points(value);
}

/** "5 visits or $500 or 500 points": any one of the metrics qualifies for the next tier. */
export function tierRequirement(progress: readonly TierProgress[], currency: string): string {
  return progress.map((line) => amount(line.metric, line.required, currency)).join(" or ");
}

/** "3 of 5 visits", "$120 of $500 spent", "40 of 500 points". */
export function progressLine(line: TierProgress, currency: string): string {
  if (line.metric === "visits") return `${line.current.toLocaleString("en-US")} of ${visits(line.required)}`;
  if (line.metric === "lifetimeSpendCents") return `${money(line.current, currency)} of ${money(line.required, currency)} spent`;
  return `${line.current.toLocaleString("en-US")} of ${points(line.required)}`;
}
