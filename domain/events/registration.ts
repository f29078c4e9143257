/**
 * Who holds a seat at a live event and who waits (issue 22). The Event actor is the only writer, so
 * these rules see every registration in order and the counts are exact.
 *
 * Seats: `capacity` regular seats, then `overflowSeats` that only the overflow tier (the ladder's top
 * tier: DIAMOND in the community preset) may take once the regular seats are full. Everyone else
 * waits, highest tier first, then earliest. Seats never move: a DIAMOND in an overflow seat stays
 * there when a regular seat frees.
 *
 * Promotion on a cancellation (at once, in the same decision):
 * - a freed regular seat goes to the head of the waitlist (tier priority, then time);
 * - a freed overflow seat goes to the first overflow-tier member on the waitlist; with none waiting it stays free.
 */

/** Regular seats of one event: the most one actor serves comfortably with live sockets (§9: 32,768 hibernating sockets). */
export const capacityMax = 10_000;
/** Members waiting at once; more would make the snapshot and the actor's memory grow without bound. */
export const waitlistMax = 10_000;
/**
 * Cancellations (or waitlist exits) a member may make per event before registering again is refused:
 * each register/cancel cycle promotes someone and tells every socket, so churn is bounded.
 */
export const cancellationsMax = 3;
/** Overflow seats when the host gives none: 10% of capacity, rounded down. */
export const defaultOverflowPercent = 10;

export type Seat = "regular" | "overflow";
export type Registration = { memberId: string; tierRank: number; seat: Seat; atMs: number };
export type WaitEntry = { memberId: string; tierRank: number; atMs: number };

export type RegistrationState = {
  capacity: number;
  overflowSeats: number;
  /** Members at this tier rank or above may take overflow seats. */
  overflowTierRank: number;
  minTierRank: number;
  hostId: string;
  registered: Registration[];
  /** Kept in `compareWaitEntries` order. */
  waitlist: WaitEntry[];
};

/** `cancellations` is how often the member already cancelled at this event: a fact the actor loads from its storage. */
export type RegistrationCommand = { type: "register"; memberId: string; tierRank: number; cancellations: number } | { type: "cancel"; memberId: string };

/** A `promoted` event is also the member's notice (the actor writes it to its outbox in the same turn). */
export type RegistrationEvent =
  | { type: "registered"; memberId: string; tierRank: number; seat: Seat; atMs: number }
  | { type: "waitlisted"; memberId: string; tierRank: number; atMs: number }
  | { type: "registration_cancelled"; memberId: string; seat: Seat; atMs: number }
  | { type: "waitlist_left"; memberId: string; atMs: number }
  | { type: "promoted"; memberId: string; tierRank: number; seat: Seat; atMs: number };

export type RegistrationRejectionCode = "tier_too_low" | "already_registered" | "already_waitlisted" | "waitlist_full" | "not_registered" | "host_is_registered" | "registration_churn";
export type RegistrationDecision = { ok: true; events: RegistrationEvent[] } | { ok: false; status: 403 | 409 | 422; code: RegistrationRejectionCode; message: string };

export function defaultOverflowSeats(capacity: number): number {
  return Math.floor((capacity * defaultOverflowPercent) / 100);
}

export function initialRegistrationState(input: Omit<RegistrationState, "registered" | "waitlist">): RegistrationState {
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > capacityMax) throw new Error(`capacity must be 1..${capacityMax}, got ${input.capacity}`);
  if (!Number.isInteger(input.overflowSeats) || input.overflowSeats < 0 || input.overflowSeats > input.capacity) throw new Error(`overflowSeats must be 0..capacity, got ${input.overflowSeats}`);
  return { ...input, registered: [], waitlist: [] };
}

/** Higher tier first, then the earlier registration, then member id: a total order. */
export function compareWaitEntries(a: WaitEntry, b: WaitEntry): number {
  if (a.tierRank !== b.tierRank) return b.tierRank - a.tierRank;
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export const seatsTaken = (state: RegistrationState, seat: Seat) => state.registered.filter((entry) => entry.seat === seat).length;

export function decideRegistration(state: RegistrationState, command: RegistrationCommand, nowMs: number): RegistrationDecision {
  const { memberId } = command;
  const held = state.registered.find((entry) => entry.memberId === memberId);
  const waiting = state.waitlist.find((entry) => entry.memberId === memberId);
  if (command.type === "cancel") {
    if (held) return { ok: true, events: [{ type: "registration_cancelled", memberId, seat: held.seat, atMs: nowMs }, ...promotionFor(state, held.seat, nowMs)] };
    if (waiting) return { ok: true, events: [{ type: "waitlist_left", memberId, atMs: nowMs }] };
    return reject(409, "not_registered", "You are neither registered nor on the waitlist for this event");
  }
  if (memberId === state.hostId) return reject(409, "host_is_registered", "The host holds their place at their own event and does not register");
  if (held) return reject(409, "already_registered", `You already hold a ${held.seat} seat at this event`);
  if (waiting) return reject(409, "already_waitlisted", `You are already on the waitlist, at position ${waitlistPosition(state, memberId)}`);
  if (command.cancellations >= cancellationsMax) return reject(409, "registration_churn", `You cancelled at this event ${command.cancellations} times; registering again is closed to you`);
  if (command.tierRank < state.minTierRank) return reject(403, "tier_too_low", "This event is open to a higher tier than yours; earn points to reach it");
  const tierRank = command.tierRank;
  if (seatsTaken(state, "regular") < state.capacity) return { ok: true, events: [{ type: "registered", memberId, tierRank, seat: "regular", atMs: nowMs }] };
  if (tierRank >= state.overflowTierRank && seatsTaken(state, "overflow") < state.overflowSeats) return { ok: true, events: [{ type: "registered", memberId, tierRank, seat: "overflow", atMs: nowMs }] };
  if (state.waitlist.length >= waitlistMax) return reject(409, "waitlist_full", `The event and its waitlist (${waitlistMax}) are full`);
  return { ok: true, events: [{ type: "waitlisted", memberId, tierRank, atMs: nowMs }] };
}

/** Who takes a seat that `seat` freed: see the header. */
function promotionFor(state: RegistrationState, seat: Seat, nowMs: number): RegistrationEvent[] {
  const next = seat === "regular" ? state.waitlist[0] : state.waitlist.find((entry) => entry.tierRank >= state.overflowTierRank);
  return next ? [{ type: "promoted", memberId: next.memberId, tierRank: next.tierRank, seat, atMs: nowMs }] : [];
}

export function evolveRegistration(state: RegistrationState, event: RegistrationEvent): RegistrationState {
  switch (event.type) {
    case "registered":
      return { ...state, registered: [...state.registered, { memberId: event.memberId, tierRank: event.tierRank, seat: event.seat, atMs: event.atMs }] };
    case "waitlisted":
      return { ...state, waitlist: [...state.waitlist, { memberId: event.memberId, tierRank: event.tierRank, atMs: event.atMs }].sort(compareWaitEntries) };
    case "registration_cancelled":
      return { ...state, registered: state.registered.filter((entry) => entry.memberId !== event.memberId) };
    case "waitlist_left":
      return { ...state, waitlist: state.waitlist.filter((entry) => entry.memberId !== event.memberId) };
    case "promoted":
      return {
        ...state,
        waitlist: state.waitlist.filter((entry) => entry.memberId !== event.memberId),
        registered: [...state.registered, { memberId: event.memberId, tierRank: event.tierRank, seat: event.seat, atMs: event.atMs }],
      };
  }
}

/** 1-based place on the waitlist, or null when not waiting. */
export function waitlistPosition(state: RegistrationState, memberId: string): number | null {
  const index = state.waitlist.findIndex((entry) => entry.memberId === memberId);
  return index < 0 ? null : index + 1;
}

export type RegistrationStatus = { status: "registered"; seat: Seat } | { status: "waitlisted"; position: number } | { status: "none" };

export function registrationStatusOf(state: RegistrationState, memberId: string): RegistrationStatus {
  const held = state.registered.find((entry) => entry.memberId === memberId);
  if (held) return { status: "registered", seat: held.seat };
  const position = waitlistPosition(state, memberId);
  return position === null ? { status: "none" } : { status: "waitlisted", position };
}

export function registrationCounts(state: RegistrationState) {
  return { capacity: state.capacity, overflowSeats: state.overflowSeats, registered: seatsTaken(state, "regular"), overflow: seatsTaken(state, "overflow"), waitlisted: state.waitlist.length };
}

/** What must hold after every change: seats within their bounds, nobody twice, overflow only for the overflow tier, the waitlist in order. */
export function registrationInvariantViolations(state: RegistrationState): string[] {
  const problems: string[] = [];
  if (seatsTaken(state, "regular") > state.capacity) problems.push("more regular seats taken than capacity");
  if (seatsTaken(state, "overflow") > state.overflowSeats) problems.push("more overflow seats taken than exist");
  if (state.registered.some((entry) => entry.seat === "overflow" && entry.tierRank < state.overflowTierRank)) problems.push("an overflow seat below the overflow tier");
  const ids = [...state.registered, ...state.waitlist].map((entry) => entry.memberId);
  if (new Set(ids).size !== ids.length) problems.push("a member both registered and waiting, or twice");
  for (let index = 1; index < state.waitlist.length; index++) if (compareWaitEntries(state.waitlist[index - 1], state.waitlist[index]) > 0) problems.push("waitlist out of order");
  // Nobody waits while a seat they could take is free.
  const head = state.waitlist[0];
  if (head && seatsTaken(state, "regular") < state.capacity) problems.push("a regular seat free while members wait");
  if (state.waitlist.some((entry) => entry.tierRank >= state.overflowTierRank) && seatsTaken(state, "overflow") < state.overflowSeats) problems.push("an overflow seat free while an overflow-tier member waits");
  return problems;
}

function reject(status: 403 | 409 | 422, code: RegistrationRejectionCode, message: string): RegistrationDecision {
  return { ok: false, status, code, message };
}
