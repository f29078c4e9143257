const hourMs = 3_600_000;

/**
 * When a purchase's points post: `delayHours` after the visit was recorded, that is the later of
 * `occurredAt` and the server's receipt. A POS that reports a visit as two days old still waits the
 * full hold, so a refund in that window voids pending points instead of creating debt.
 * (`occurredAt` still picks the campaign and the birthday month.)
 */
export function postsAt(occurredAtMs: number, receivedAtMs: number, delayHours: number): number {
  return Math.max(occurredAtMs, receivedAtMs) + delayHours * hourMs;
}
