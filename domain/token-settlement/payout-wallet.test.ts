import { describe, expect, it } from "vitest";
import { type WalletChange, decideCancelRelink, decidePin, pendingRelink, pinnedAt } from "./payout-wallet";

const hourMs = 3_600_000;
const t0 = Date.parse("2026-12-01T12:00:00Z");
const a = "0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa";
const b = "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB";
const c = "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC";

/** Applies a pin decision to a history of changes, as the actor does. */
function apply(changes: WalletChange[], address: string, nowMs: number): WalletChange[] {
  const outcome = decidePin(changes, address, "member", 24, nowMs);
  const next = changes.map((change) => ({ ...change }));
  const cancel = (target: WalletChange) => Object.assign(next.find((change) => change.id === target.id)!, { cancelledAtMs: nowMs, cancelledBy: "member" });
  if (outcome.kind === "relink_cancelled") cancel(outcome.cancels);
  if (outcome.kind === "relink_requested" && outcome.replaces) cancel(outcome.replaces);
  if (outcome.kind === "pinned" || outcome.kind === "relink_requested") next.push({ id: next.length + 1, ...outcome.change });
  return next;
}

describe("the pinned payout wallet", () => {
  it("takes the first pin at once", () => {
    const changes = apply([], a, t0);
    expect(pinnedAt(changes, t0)).toBe(a);
  });

  it("pays the old wallet until a relink's cooling-off period ends, then the new one", () => {
    const changes = apply(apply([], a, t0), b, t0 + hourMs);
    expect(pendingRelink(changes, t0 + hourMs)?.toAddress).toBe(b);
    expect(pinnedAt(changes, t0 + 24 * hourMs)).toBe(a);
    expect(pinnedAt(changes, t0 + 25 * hourMs)).toBe(b);
    expect(pendingRelink(changes, t0 + 25 * hourMs)).toBeNull();
  });

  it("keeps the old wallet when a relink is cancelled, by request or by pinning the old wallet again", () => {
    const requested = apply(apply([], a, t0), b, t0 + hourMs);
    const cancel = decideCancelRelink(requested, t0 + 2 * hourMs);
    expect(cancel.ok && cancel.cancels.toAddress).toBe(b);
    const repinned = apply(requested, a, t0 + 2 * hourMs);
    expect([pinnedAt(repinned, t0 + 48 * hourMs), pendingRelink(repinned, t0 + 2 * hourMs)]).toEqual([a, null]);
  });

  it("restarts the cooling-off when another relink replaces a waiting one", () => {
    const changes = apply(apply(apply([], a, t0), b, t0 + hourMs), c, t0 + 20 * hourMs);
    expect(pinnedAt(changes, t0 + 30 * hourMs)).toBe(a);
    expect(pinnedAt(changes, t0 + 44 * hourMs)).toBe(c);
  });

  it("says there is nothing to cancel when no relink waits", () => {
    const cancel = decideCancelRelink(apply([], a, t0), t0);
    expect(cancel.ok ? null : cancel.rejection.code).toBe("no_pending_relink");
  });

  it("treats the same address in another case as the same wallet", () => {
    expect(decidePin(apply([], a, t0), a.toLowerCase(), "member", 24, t0 + 1).kind).toBe("unchanged");
  });
});
