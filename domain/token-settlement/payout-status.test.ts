import { describe, expect, it } from "vitest";
import { decideConfirm, decideReturn } from "./payout-status";

describe("a payout's status", () => {
  it("settles a reserved payout once and answers a repeat as settled", () => {
    expect(decideConfirm("reserved")).toEqual({ act: "settle", answer: { ok: true, status: "settled" } });
    expect(decideConfirm("settled")).toEqual({ act: "none", answer: { ok: true, status: "settled" } });
  });

  it("returns a reserved payout once and answers a repeat as returned", () => {
    expect(decideReturn("reserved")).toEqual({ act: "return", answer: { ok: true, status: "returned" } });
    expect(decideReturn("returned")).toEqual({ act: "none", answer: { ok: true, status: "returned" } });
  });

  it("never settles a returned payout nor returns a settled one", () => {
    expect(decideConfirm("returned").answer).toEqual({ ok: false, code: "already_returned" });
    expect(decideReturn("settled").answer).toEqual({ ok: false, code: "already_settled" });
  });

  it("answers unknown_intent for an intent the member never cut", () => {
    expect([decideConfirm(undefined).answer, decideReturn(undefined).answer]).toEqual([
      { ok: false, code: "unknown_intent" },
      { ok: false, code: "unknown_intent" },
    ]);
  });
});
