import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RegistrationCommand, type RegistrationState, decideRegistration, defaultOverflowSeats, evolveRegistration, initialRegistrationState } from "./registration";
import { registrationCounts, registrationInvariantViolations, registrationStatusOf, waitlistPosition } from "./registration";

const now = Date.parse("2026-12-04T18:00:00Z");
const [bronze, silver, gold, diamond] = [0, 1, 2, 3];

function event(capacity: number, overflowSeats = defaultOverflowSeats(capacity), minTierRank = bronze): RegistrationState {
  return initialRegistrationState({ capacity, overflowSeats, overflowTierRank: diamond, minTierRank, hostId: "host" });
}

/** Applies each command a millisecond apart; refusals change nothing. */
function given(state: RegistrationState, commands: RegistrationCommand[]): RegistrationState {
  return commands.reduce((current, command, index) => {
    const decision = decideRegistration(current, command, now + index);
    return decision.ok ? decision.events.reduce(evolveRegistration, current) : current;
  }, state);
}

const register = (memberId: string, tierRank: number, cancellations = 0): RegistrationCommand => ({ type: "register", memberId, tierRank, cancellations });
const cancel = (memberId: string): RegistrationCommand => ({ type: "cancel", memberId });

describe("event registration", () => {
  it("gives overflow seats of 10% of capacity, rounded down, by default", () => {
    expect([defaultOverflowSeats(100), defaultOverflowSeats(9), defaultOverflowSeats(25)]).toEqual([10, 0, 2]);
  });

  it("fills regular seats, then overflow for DIAMOND only, then the waitlist by tier then time", () => {
    const state = given(event(2, 1), [register("a", bronze), register("b", silver), register("c", gold), register("d", diamond), register("e", bronze), register("f", diamond), register("g", gold)]);
    expect(state.registered.map((entry) => [entry.memberId, entry.seat])).toEqual([["a", "regular"], ["b", "regular"], ["d", "overflow"]]);
    expect(state.waitlist.map((entry) => entry.memberId)).toEqual(["f", "c", "g", "e"]);
    expect([waitlistPosition(state, "c"), waitlistPosition(state, "e"), waitlistPosition(state, "a")]).toEqual([2, 4, null]);
    expect(registrationCounts(state)).toMatchObject({ registered: 2, overflow: 1, waitlisted: 4 });
  });

  it("refuses a second registration, a tier below the minimum, and the host", () => {
    const state = given(event(1, 0, gold), [register("a", gold), register("b", diamond)]);
    expect(decideRegistration(state, register("a", gold), now)).toMatchObject({ ok: false, code: "already_registered" });
    expect(decideRegistration(state, register("b", diamond), now)).toMatchObject({ ok: false, code: "already_waitlisted" });
    expect(decideRegistration(state, register("c", silver), now)).toMatchObject({ ok: false, status: 403, code: "tier_too_low" });
    expect(decideRegistration(state, register("host", diamond), now)).toMatchObject({ ok: false, code: "host_is_registered" });
  });

  it("refuses a member who already cancelled three times at this event", () => {
    expect(decideRegistration(event(5), register("a", bronze, 2), now).ok).toBe(true);
    expect(decideRegistration(event(5), register("a", bronze, 3), now)).toMatchObject({ ok: false, code: "registration_churn" });
  });

  it("gives a freed regular seat to the head of the waitlist at once", () => {
    const state = given(event(1, 0), [register("a", bronze), register("b", bronze), register("c", gold), cancel("a")]);
    expect(registrationStatusOf(state, "c")).toEqual({ status: "registered", seat: "regular" });
    expect(registrationStatusOf(state, "b")).toEqual({ status: "waitlisted", position: 1 });
    const decision = decideRegistration(given(event(1, 0), [register("a", bronze), register("b", bronze)]), cancel("a"), now);
    expect(decision.ok && decision.events.map((entry) => entry.type)).toEqual(["registration_cancelled", "promoted"]);
  });

  it("gives a freed overflow seat to the next DIAMOND on the waitlist, and to nobody else", () => {
    const withDiamond = given(event(1, 1), [register("a", bronze), register("d1", diamond), register("g", gold), register("d2", diamond), cancel("d1")]);
    expect(registrationStatusOf(withDiamond, "d2")).toEqual({ status: "registered", seat: "overflow" });
    const withoutDiamond = given(event(1, 1), [register("a", bronze), register("d1", diamond), register("g", gold), cancel("d1")]);
    expect(registrationStatusOf(withoutDiamond, "g")).toEqual({ status: "waitlisted", position: 1 });
    expect(registrationCounts(withoutDiamond).overflow).toBe(0);
  });

  it("keeps every count within its bounds and the waitlist in order over any sequence", () => {
    const memberIds = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    const command = fc.oneof(
      fc.record({ type: fc.constant("register" as const), memberId: fc.constantFrom(...memberIds), tierRank: fc.integer({ min: 0, max: 3 }), cancellations: fc.constant(0) }),
      fc.record({ type: fc.constant("cancel" as const), memberId: fc.constantFrom(...memberIds) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.array(command, { maxLength: 60 }), (capacity, overflow, commands) => {
        let state = event(capacity, Math.min(overflow, capacity));
        for (const [index, next] of commands.entries()) {
          const decision = decideRegistration(state, next, now + index);
          if (decision.ok) state = decision.events.reduce(evolveRegistration, state);
          expect(registrationInvariantViolations(state)).toEqual([]);
        }
      }),
    );
  });

  it("seats exactly capacity plus the DIAMONDs that fit in overflow, whatever the arrival order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 200 }), (tiers) => {
        const state = given(event(50), tiers.map((tier, index) => register(`m${index}`, tier)));
        const diamonds = tiers.filter((tier) => tier === diamond).length;
        const regular = Math.min(50, tiers.length);
        const diamondsInRegular = state.registered.filter((entry) => entry.seat === "regular" && entry.tierRank === diamond).length;
        expect(registrationCounts(state)).toMatchObject({ registered: regular, overflow: Math.min(5, diamonds - diamondsInRegular), waitlisted: tiers.length - regular - Math.min(5, diamonds - diamondsInRegular) });
      }),
    );
  });
});
