/** A payout's life: reserved when cut, then settled by the chain or returned when its batch is abandoned; never both. */
export type PayoutStatus = "reserved" | "settled" | "returned";

/** What a confirmation does to a payout in `status` (absent: no such intent); a repeat answers as the first did. */
export function decideConfirm(status: PayoutStatus | undefined): { act: "settle" | "none"; answer: { ok: true; status: "settled" } | { ok: false; code: "unknown_intent" | "already_returned" } } {
  if (status === undefined) return { act: "none", answer: { ok: false, code: "unknown_intent" } };
  if (status === "returned") return { act: "none", answer: { ok: false, code: "already_returned" } };
  return { act: status === "reserved" ? "settle" : "none", answer: { ok: true, status: "settled" } };
}

/** What a return does to a payout in `status`: points come back once, and a settled payout's never do. */
export function decideReturn(status: PayoutStatus | undefined): { act: "return" | "none"; answer: { ok: true; status: "returned" } | { ok: false; code: "unknown_intent" | "already_settled" } } {
  if (status === undefined) return { act: "none", answer: { ok: false, code: "unknown_intent" } };
  if (status === "settled") return { act: "none", answer: { ok: false, code: "already_settled" } };
  return { act: status === "reserved" ? "return" : "none", answer: { ok: true, status: "returned" } };
}
