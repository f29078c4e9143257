import { money, points } from "./formatting";

export type LedgerEntry = {
  kind: "earn" | "post" | "redeem" | "expire" | "refund" | "adjust" | "settle";
  delta: number;
  pendingDelta: number;
  venueId: string | null;
  detail: Record<string, string | number | boolean | null> | null;
};

export type Names = { venue: (id: string | null) => string; reward: (id: string) => string; currency: string };

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
const count = (value: unknown): number => (typeof value === "number" ? value : 0);

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
      return "Settled on chain";
  }
}

/** The signed change an entry made, for the amount column: available points, else pending ones. */
export function entryAmount(entry: LedgerEntry): { text: string; pending: boolean } {
  const pending = entry.delta === 0 && entry.pendingDelta !== 0;
  const value = pending ? entry.pendingDelta : entry.delta;
  return { text: `${value > 0 ? "+" : value < 0 ? "−" : ""}${Math.abs(value).toLocaleString("en-US")}`, pending };
}
