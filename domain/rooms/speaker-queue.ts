import type { RoomEvent, RoomView } from "./frames";

export type { RoomEvent, RoomView };

/** TRTC's live mode lets 50 users send audio at once, and the host is one of them. */
export const speakerCountMax = 49;
/** Hands raised at once: more than any host works through in one AMA, and small enough for a snapshot frame. */
export const queueLengthMax = 1_000;
/** Members with a live room socket: a Durable Object holds at most 32,768 hibernating WebSockets. */
export const presentCountMax = 32_768;
/** A tier's index in its program's ladder (ladders hold at most 10 tiers). */
export const tierRankMax = 63;
/** How long a promoted member has to get their audio into the TRTC room before the seat is given back. */
export const promotionTimeoutMs = 60_000;

export type RoomStatus = "scheduled" | "live" | "ended";
export type Speaker = { memberId: string; since: number; muted: boolean };
export type Promotion = { memberId: string; promotedAtMs: number };
export type QueueEntry = { memberId: string; tierRank: number; raisedAtMs: number };

/**
 * A room's stage. The host always holds the stage: it is never a speaker, a promotion or a queue
 * entry, and it does not count against `speakerCap`. Speakers, promotions and hands are disjoint and
 * belong to present members (see `roomInvariantViolations`).
 */
export type RoomState = {
  status: RoomStatus;
  hostId: string;
  speakerCap: number;
  speakers: Speaker[];
  /** Promoted, audio not arrived yet: each holds a seat until `promotionTimeoutMs` runs out. */
  promoted: Promotion[];
  /** Hands raised, kept in `orderedQueue` order. */
  queue: QueueEntry[];
  /** Members with a live room socket. The actor sends `arrive` for a member's first socket and `leave` when the last one closes. */
  present: string[];
  startedAtMs: number | null;
  endedAtMs: number | null;
};

/** What a member (`by`) asks of the room. `expirePromotions` comes from the room's own alarm; its `by` is only recorded. */
export type RoomCommand =
  | { type: "start"; by: string }
  | { type: "end"; by: string }
  | { type: "raiseHand"; by: string; tierRank: number }
  | { type: "lowerHand"; by: string }
  | { type: "promote"; by: string; memberId: string }
  | { type: "demote"; by: string; memberId: string }
  | { type: "mute"; by: string; memberId: string; muted: boolean }
  | { type: "remove"; by: string; memberId: string }
  | { type: "arrive"; by: string }
  | { type: "leave"; by: string }
  | { type: "arriveAsSpeaker"; by: string }
  | { type: "expirePromotions"; by: string };

export type RoomRejectionCode =
  | "not_host" | "room_not_live" | "room_ended" | "room_full" | "not_present" | "host_cannot_raise_hand" | "invalid_tier_rank" | "queue_full"
  | "not_in_queue" | "already_speaker" | "speaker_cap_reached" | "not_speaker" | "not_promoted" | "promotion_expired" | "target_is_host";

export type RoomRejection = { ok: false; status: 403 | 409 | 422; code: RoomRejectionCode; message: string };
export type RoomDecision = { ok: true; events: RoomEvent[] } | RoomRejection;

/** The host-only commands, with what a refusal says they do. */
const hostOnly: Partial<Record<RoomCommand["type"], string>> = {
  start: "start the AMA",
  end: "end the AMA",
  promote: "promote a speaker",
  demote: "demote a speaker",
  mute: "mute a speaker",
  remove: "remove a member",
};

export function initialRoomState(hostId: string, speakerCap: number): RoomState {
  if (hostId.length === 0) throw new Error("a room needs a host id");
  if (!Number.isInteger(speakerCap) || speakerCap < 1 || speakerCap > speakerCountMax) {
    throw new Error(`speakerCap must be an integer from 1 to ${speakerCountMax}, got ${speakerCap}`);
  }
  return { status: "scheduled", hostId, speakerCap, speakers: [], promoted: [], queue: [], present: [], startedAtMs: null, endedAtMs: null };
}

/**
 * The events `command` adds to the room at `nowMs`, or why it is refused. A command whose outcome
 * already holds (a second hand raise, a second arrival, muting a muted speaker) succeeds with no events.
 * Host-only commands are refused to anyone else before anything else is looked at.
 */
export function decideRoom(state: RoomState, command: RoomCommand, nowMs: number): RoomDecision {
  const action = hostOnly[command.type];
  if (action !== undefined && command.by !== state.hostId) return reject(403, "not_host", `Only the host can ${action}`);
  const by = command.by;
  switch (command.type) {
    case "start":
      if (state.status === "ended") return reject(409, "room_ended", "This AMA has ended and cannot start again; schedule a new AMA");
      return accept(state.status === "live" ? [] : [{ type: "room_started", atMs: nowMs }]);
    case "end":
      return accept(state.status === "ended" ? [] : [{ type: "room_ended", atMs: nowMs }]);
    case "arrive":
      if (state.present.includes(by)) return accept([]);
      if (state.present.length >= presentCountMax) return reject(409, "room_full", `The room holds ${presentCountMax} members at most; try again when someone leaves`);
      return accept([{ type: "member_arrived", memberId: by, atMs: nowMs }]);
    case "leave":
      return accept(isInRoom(state, by) ? [{ type: "member_left", memberId: by, atMs: nowMs }] : []);
    case "remove":
      if (command.memberId === state.hostId) return targetIsHost("removed");
      return accept(isInRoom(state, command.memberId) ? [{ type: "member_removed", memberId: command.memberId, atMs: nowMs }] : []);
    case "expirePromotions":
      return accept(
        state.promoted
          .filter((promotion) => nowMs >= promotionDeadlineMs(promotion))
          .map((promotion) => ({ type: "promotion_expired" as const, memberId: promotion.memberId, atMs: nowMs })),
      );
  }
  if (state.status !== "live") {
    const when = state.status === "scheduled" ? "has not started yet" : "has ended";
    return reject(409, "room_not_live", `The AMA ${when}; the speaker queue is open only while it is live`);
  }
  switch (command.type) {
    case "raiseHand":
      return decideRaiseHand(state, by, command.tierRank, nowMs);
    case "lowerHand":
      return accept(inQueue(state, by) ? [{ type: "hand_lowered", memberId: by, atMs: nowMs }] : []);
    case "promote":
      return decidePromote(state, command.memberId, nowMs);
    case "demote":
      if (command.memberId === state.hostId) return targetIsHost("demoted");
      if (!isSpeaker(state, command.memberId) && !isPromoted(state, command.memberId)) return notSpeaker(command.memberId);
      return accept([{ type: "speaker_demoted", memberId: command.memberId, atMs: nowMs }]);
    case "mute": {
      if (command.memberId === state.hostId) return targetIsHost("muted");
      const speaker = state.speakers.find((entry) => entry.memberId === command.memberId);
      if (!speaker) return notSpeaker(command.memberId);
      return accept(speaker.muted === command.muted ? [] : [{ type: "speaker_muted", memberId: command.memberId, muted: command.muted, atMs: nowMs }]);
    }
    case "arriveAsSpeaker":
      return decideArriveAsSpeaker(state, by, nowMs);
  }
}

function decideRaiseHand(state: RoomState, by: string, tierRank: number, nowMs: number): RoomDecision {
  if (by === state.hostId) return reject(422, "host_cannot_raise_hand", "The host already holds the stage and does not queue to speak");
  if (!Number.isInteger(tierRank) || tierRank < 0 || tierRank > tierRankMax) {
    return reject(422, "invalid_tier_rank", `tierRank is the tier's index in the program's ladder, an integer from 0 to ${tierRankMax}; got ${tierRank}`);
  }
  if (!state.present.includes(by)) return reject(409, "not_present", "Join the room before raising a hand");
  if (isSpeaker(state, by) || isPromoted(state, by)) return reject(409, "already_speaker", "You are already on the stage; no need to raise a hand");
  if (inQueue(state, by)) return accept([]);
  if (state.queue.length >= queueLengthMax) return reject(422, "queue_full", `${queueLengthMax} hands are raised already; try again when the queue moves`);
  return accept([{ type: "hand_raised", memberId: by, tierRank, atMs: nowMs }]);
}

function decidePromote(state: RoomState, memberId: string, nowMs: number): RoomDecision {
  if (memberId === state.hostId) return targetIsHost("promoted");
  if (isSpeaker(state, memberId)) return reject(409, "already_speaker", `${memberId} is already a speaker`);
  // A second click on a pending promotion keeps the first one and its deadline.
  if (isPromoted(state, memberId)) return accept([]);
  // Only a raised hand is promoted: nobody is put on the stage without asking.
  if (!inQueue(state, memberId)) return reject(409, "not_in_queue", `${memberId} has not raised a hand; only members in the queue can be promoted`);
  if (seatsTaken(state) >= state.speakerCap) {
    return reject(422, "speaker_cap_reached", `The stage holds ${state.speakerCap} speakers (promotions waiting for audio count); demote someone first`);
  }
  return accept([{ type: "speaker_promoted", memberId, atMs: nowMs }]);
}

function decideArriveAsSpeaker(state: RoomState, by: string, nowMs: number): RoomDecision {
  if (by === state.hostId || isSpeaker(state, by)) return accept([]);
  const promotion = state.promoted.find((entry) => entry.memberId === by);
  if (!promotion) return reject(409, "not_promoted", "Only a member the host promoted can join the stage; raise a hand first");
  if (nowMs >= promotionDeadlineMs(promotion)) {
    return reject(409, "promotion_expired", `The promotion lapsed after ${promotionTimeoutMs / 1000} s without audio; raise a hand again`);
  }
  return accept([{ type: "speaker_arrived", memberId: by, atMs: nowMs }]);
}

/** The room after `event`. Pure: the input is never changed, and untouched lists are shared with it. */
export function evolveRoom(state: RoomState, event: RoomEvent): RoomState {
  const next = apply(state, event);
  // Cheap checks on every write; roomInvariantViolations is the full check.
  if (seatsTaken(next) > next.speakerCap || next.queue.length > queueLengthMax || next.present.length > presentCountMax) {
    throw new Error(`room bounds broken by ${event.type}: ${seatsTaken(next)} seats of ${next.speakerCap}, ${next.queue.length} hands, ${next.present.length} present`);
  }
  return next;
}

function apply(state: RoomState, event: RoomEvent): RoomState {
  switch (event.type) {
    case "room_started":
      return { ...state, status: "live", startedAtMs: event.atMs };
    case "room_ended":
      return { ...state, status: "ended", endedAtMs: event.atMs, speakers: [], promoted: [], queue: [] };
    case "member_arrived":
      return state.present.includes(event.memberId) ? state : { ...state, present: [...state.present, event.memberId] };
    case "member_left":
    case "member_removed":
      return dropMember(state, event.memberId);
    case "hand_raised": {
      const entry = { memberId: event.memberId, tierRank: event.tierRank, raisedAtMs: event.atMs };
      return { ...state, queue: orderedQueue([...without(state.queue, event.memberId), entry]) };
    }
    case "hand_lowered":
      return { ...state, queue: without(state.queue, event.memberId) };
    case "speaker_promoted":
      return {
        ...state,
        queue: without(state.queue, event.memberId),
        promoted: [...without(state.promoted, event.memberId), { memberId: event.memberId, promotedAtMs: event.atMs }],
      };
    case "speaker_arrived":
      return {
        ...state,
        promoted: without(state.promoted, event.memberId),
        speakers: [...without(state.speakers, event.memberId), { memberId: event.memberId, since: event.atMs, muted: false }],
      };
    case "speaker_demoted":
      return { ...state, speakers: without(state.speakers, event.memberId), promoted: without(state.promoted, event.memberId) };
    case "speaker_muted":
      return { ...state, speakers: state.speakers.map((speaker) => (speaker.memberId === event.memberId ? { ...speaker, muted: event.muted } : speaker)) };
    case "promotion_expired":
      // Back to the audience, not to the head of the queue: a member who wants the stage raises a hand again.
      return { ...state, promoted: without(state.promoted, event.memberId) };
  }
}

/** Higher tier first (the caller passes the tier's index in the ladder), then the earlier hand, then member id: a total order. */
export function orderedQueue(queue: readonly QueueEntry[]): QueueEntry[] {
  return [...queue].sort(compareQueueEntries);
}

export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  if (a.tierRank !== b.tierRank) return b.tierRank - a.tierRank;
  if (a.raisedAtMs !== b.raisedAtMs) return a.raisedAtMs - b.raisedAtMs;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

/** The instant a promotion lapses: audio must arrive before it. */
export function promotionDeadlineMs(promotion: Promotion): number {
  return promotion.promotedAtMs + promotionTimeoutMs;
}

/** When the room's alarm should next run `expirePromotions`, or null when no promotion is waiting. */
export function nextPromotionDeadlineMs(state: RoomState): number | null {
  return state.promoted.length === 0 ? null : Math.min(...state.promoted.map(promotionDeadlineMs));
}

/** What clients see: the stage and the queue in order, and how many are present (not who: up to 32,768 ids). */
export function roomView(state: RoomState): RoomView {
  const { present, ...stage } = state;
  return { ...stage, queue: orderedQueue(state.queue), presentCount: present.length };
}

/** Every broken invariant of a room, in words; empty when the room is sound. For tests and for a room rebuilt from storage. */
export function roomInvariantViolations(state: RoomState): string[] {
  const violations: string[] = [];
  const present = new Set(state.present);
  if (present.size !== state.present.length) violations.push("a member is present twice");
  const onStage = [...state.speakers, ...state.promoted, ...state.queue].map((entry) => entry.memberId);
  if (new Set(onStage).size !== onStage.length) violations.push("a member holds two places among speakers, promotions and hands");
  for (const memberId of onStage) {
    if (!present.has(memberId)) violations.push(`${memberId} holds a place without being present`);
    if (memberId === state.hostId) violations.push("the host holds a speaker, promotion or queue place");
  }
  if (seatsTaken(state) > state.speakerCap) violations.push(`${seatsTaken(state)} seats taken of ${state.speakerCap}`);
  if (state.queue.length > queueLengthMax) violations.push(`${state.queue.length} hands raised, more than ${queueLengthMax}`);
  if (state.present.length > presentCountMax) violations.push(`${state.present.length} present, more than ${presentCountMax}`);
  if (state.queue.some((entry, index) => index > 0 && compareQueueEntries(state.queue[index - 1], entry) >= 0)) violations.push("the queue is out of order");
  if (state.status !== "live" && onStage.length > 0) violations.push(`a ${state.status} room has speakers, promotions or hands`);
  // An AMA ended before it started (cancelled) has no start time; a live one always has one.
  if (state.status === "scheduled" ? state.startedAtMs !== null : state.status === "live" && state.startedAtMs === null) {
    violations.push("startedAtMs disagrees with the status");
  }
  if ((state.endedAtMs === null) === (state.status === "ended")) violations.push("endedAtMs disagrees with the status");
  return violations;
}

function dropMember(state: RoomState, memberId: string): RoomState {
  return {
    ...state,
    present: state.present.filter((id) => id !== memberId),
    queue: without(state.queue, memberId),
    promoted: without(state.promoted, memberId),
    speakers: without(state.speakers, memberId),
  };
}

const without = <T extends { memberId: string }>(list: readonly T[], memberId: string): T[] => list.filter((entry) => entry.memberId !== memberId);
const seatsTaken = (state: RoomState) => state.speakers.length + state.promoted.length;
const inQueue = (state: RoomState, memberId: string) => state.queue.some((entry) => entry.memberId === memberId);
const isSpeaker = (state: RoomState, memberId: string) => state.speakers.some((entry) => entry.memberId === memberId);
const isPromoted = (state: RoomState, memberId: string) => state.promoted.some((entry) => entry.memberId === memberId);
const isInRoom = (state: RoomState, memberId: string) =>
  state.present.includes(memberId) || inQueue(state, memberId) || isSpeaker(state, memberId) || isPromoted(state, memberId);

const accept = (events: RoomEvent[]): RoomDecision => ({ ok: true, events });
const reject = (status: RoomRejection["status"], code: RoomRejectionCode, message: string): RoomRejection => ({ ok: false, status, code, message });
const targetIsHost = (verb: string) => reject(422, "target_is_host", `The host holds the stage for the whole AMA and cannot be ${verb}`);
const notSpeaker = (memberId: string) => reject(409, "not_speaker", `${memberId} is not on the stage; only speakers can be demoted or muted`);
