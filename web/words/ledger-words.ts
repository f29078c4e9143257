import { money, points } from "./formatting";

export type LedgerEntry = {
  kind: "earn" | "post" | "redeem" | "expire" | "refund" | "adjust" | "settle" | "action";
  delta: number;
  pendingDelta: number;
  venueId: string | null;
  detail: Record<string, string | number | boolean | null> | null;
};

export type Names = { venue: (id: string | null) => string; reward: (id: string) => string; currency: string };

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
const count = (value: unknown): number => (typeof value === "number" ? value : 0);

const actionWords: Record<string, string> = {
  join: "Joined the community",
  voice_ama: "Attended a voice AMA",
  live_event: "Attended a live event",
  chat_activity: "Took part in the chat",
  daily_streak: "Daily streak",
  referral: "A friend you referred joined",
  referral_second_level: "A friend of someone you referred joined",
  governance_vote: "Voted in governance",
};

/**
 * A community credit in words; an operator's custom kind ("attended_meetup") reads as "Attended
 * meetup". Held points (§7a) say they wait for the member to take part, their release says they were unlocked, and a
 * reversed referral says why its points went.
 */
function actionInWords(kind: string, detail: Record<string, unknown>): string {
  const words = actionWords[kind] ?? `${kind.charAt(0).toUpperCase()}${kind.slice(1).replaceAll("_", " ")}`;
  if (detail.capped === true) return `${words} (over the daily referral limit: no points)`;
  if (detail.released === true) return `${words}: unlocked`;
  if (detail.reversed === true) return `${words}: reversed (their purchase was refunded)`;
  if (detail.held === true) return `${words} (held until you take part)`;
  return words;
}

/** A token payout's entries: points reserved, tokens arrived, or the points given back. */
function settleInWords(entry: LedgerEntry, detail: Record<string, unknown>): string {
  if (detail.status === "reserved") return `${points(-entry.delta)} reserved to become tokens`;
  if (detail.status === "settled") return `Tokens arrived in your wallet${text(detail.txHash) ? ` (transaction ${String(detail.txHash).slice(0, 10)}…)` : ""}`;
  if (detail.status === "returned") return `Token payout not sent: ${points(entry.delta)} returned`;
  return "Settled on chain";
}

/** One journal entry as a member reads it: what happened and why, not the ledger's kind codes. */
export function entryInWords(entry: LedgerEntry, names: Names): string {
  const at = entry.venueId ? ` at ${names.venue(entry.venueId)}` : "";
  const detail = entry.detail ?? {};
  switch (entry.kind) {
    case "earn": {
      const spent = count(detail.amountCents) > 0 ? `${money(count(detail.amountCents), names.currency)} purchase` : "Purchase";
      return `${spent}${at}: ${points(entry.pendingDelta)} pending`;
    }
    case "post":
      return count(detail.repaidDebt) > 0
        ? `Points from your visit${at} posted (${points(count(detail.repaidDebt))} repaid an earlier refund)`
        : `Points from your visit${at} posted`;
    case "redeem":
      return `Redeemed ${text(detail.rewardId) ? names.reward(String(detail.rewardId)) : "a reward"}`;
    case "expire":
      return `${points(-entry.delta)} expired`;
    case "refund":
      return entry.pendingDelta < 0 ? `Purchase${at} refunded before its points posted` : `Purchase${at} refunded: its points were taken back`;
    case "adjust":
      if (detail.reason === "redemption cancelled") return "Redemption cancelled: points returned";
      return `${entry.delta >= 0 ? "Points added" : "Points removed"} by the program${text(detail.reason) ? `: ${detail.reason}` : ""}`;
    case "settle":
      return settleInWords(entry, detail);
    case "action":
      return actionInWords(text(detail.kind) ?? "action", detail);
  }
}

/** The signed change an entry made, for the amount column: available points, else pending ones. */
export function entryAmount(entry: LedgerEntry): { text: string; pending: boolean } {
  const pending = entry.delta === 0 && entry.pendingDelta !== 0;
  const value = pending ? entry.pendingDelta : entry.delta;
  return { text: `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(value).toLocaleString("en-US")}`, pending };
}
