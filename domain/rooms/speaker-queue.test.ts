import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoomEventSchema } from "./frames";
import { type QueueEntry, type RoomCommand, type RoomState, decideRoom, evolveRoom, initialRoomState, nextPromotionDeadlineMs } from "./speaker-queue";
import { orderedQueue, presentCountMax, promotionTimeoutMs, roomInvariantViolations, roomView } from "./speaker-queue";

const host = "host";
const now = Date.parse("2026-11-20T18:00:00Z");
const diamond = 3;
const gold = 2;
const silver = 1;
const bronze = 0;

/** The room after each command is decided at `atMs` and its events applied; a refusal fails the test. */
function given(state: RoomState, commands: RoomCommand[], atMs = now): RoomState {
  return commands.reduce((room, command) => {
    const decision = decideRoom(room, command, atMs);
    if (!decision.ok) throw new Error(`expected ${command.type} by ${command.by} to pass: ${decision.message}`);
    return decision.events.reduce(evolveRoom, room);
  }, state);
}

const arrive = (...members: string[]): RoomCommand[] => members.map((by) => ({ type: "arrive", by }));
const raise = (by: string, tierRank: number): RoomCommand => ({ type: "raiseHand", by, tierRank });
const promote = (memberId: string): RoomCommand => ({ type: "promote", by: host, memberId });

/** A live room with a host and members alice, bob, carol and dave present, and a stage of `speakerCap`. */
function liveRoom(speakerCap = 4): RoomState {
  return given(initialRoomState(host, speakerCap), [...arrive(host, "alice", "bob", "carol", "dave"), { type: "start", by: host }], now - 60_000);
}

const queueIds = (state: RoomState) => state.queue.map((entry) => entry.memberId);

describe("the speaker queue", () => {
  it("orders raised hands by tier, DIAMOND first, then by who raised first", () => {
    const room = given(liveRoom(), [raise("alice", bronze), raise("bob", gold)], now);
    const later = given(room, [raise("carol", diamond), raise("dave", gold)], now + 1_000);
    expect(queueIds(later)).toEqual(["carol", "bob", "dave", "alice"]);
  });

  it("breaks a tie of tier and time by member id, so every order is total", () => {
    const room = given(liveRoom(), [raise("dave", silver), raise("bob", silver), raise("carol", silver)]);
    expect(queueIds(room)).toEqual(["bob", "carol", "dave"]);
  });

  it("keeps one entry, and its first place, when a hand is raised twice", () => {
    const room = given(liveRoom(), [raise("alice", gold), raise("bob", gold)], now);
    const decision = decideRoom(room, raise("alice", gold), now + 5_000);
    expect(decision).toEqual({ ok: true, events: [] });
    expect(queueIds(room)).toEqual(["alice", "bob"]);
  });

  it("drops a member who leaves mid-queue and keeps the others in order", () => {
    const room = given(liveRoom(), [raise("alice", gold), raise("bob", silver), raise("carol", bronze), { type: "leave", by: "bob" }]);
    expect(queueIds(room)).toEqual(["alice", "carol"]);
    expect(room.present).not.toContain("bob");
  });

  it("lowers a hand on request, and lowering it again changes nothing", () => {
    const room = given(liveRoom(), [raise("alice", gold), { type: "lowerHand", by: "alice" }]);
    expect(room.queue).toEqual([]);
    expect(decideRoom(room, { type: "lowerHand", by: "alice" }, now)).toEqual({ ok: true, events: [] });
  });

  it("refuses a hand from a member without a room socket, from the host, and with a rank outside the ladder", () => {
    const room = liveRoom();
    expect(decideRoom(room, raise("eve", gold), now)).toMatchObject({ ok: false, status: 409, code: "not_present" });
    expect(decideRoom(room, raise(host, diamond), now)).toMatchObject({ ok: false, status: 422, code: "host_cannot_raise_hand" });
    expect(decideRoom(room, raise("alice", -1), now)).toMatchObject({ ok: false, status: 422, code: "invalid_tier_rank" });
    expect(decideRoom(room, raise("alice", 1.5), now)).toMatchObject({ ok: false, code: "invalid_tier_rank" });
  });

  it("refuses queue actions before the host starts and after the AMA ends", () => {
    const scheduled = given(initialRoomState(host, 2), arrive(host, "alice"));
    expect(decideRoom(scheduled, raise("alice", gold), now)).toMatchObject({ ok: false, status: 409, code: "room_not_live" });
    const ended = given(liveRoom(), [raise("alice", gold), { type: "end", by: host }]);
    expect(decideRoom(ended, raise("bob", gold), now)).toMatchObject({ ok: false, status: 409, code: "room_not_live" });
    expect(decideRoom(ended, promote("alice"), now)).toMatchObject({ ok: false, code: "room_not_live" });
  });
});

describe("host-only actions", () => {
  const room = given(liveRoom(), [raise("alice", gold)]);
  const asMember: RoomCommand[] = [
    { type: "start", by: "bob" },
    { type: "end", by: "bob" },
    { type: "promote", by: "bob", memberId: "alice" },
    { type: "demote", by: "bob", memberId: "alice" },
    { type: "mute", by: "bob", memberId: "alice", muted: true },
    { type: "remove", by: "bob", memberId: "alice" },
  ];

  it.each(asMember.map((command) => [command.type, command] as const))("answers 403 not_host when a member tries to %s", (_, command) => {
    expect(decideRoom(room, command, now)).toMatchObject({ ok: false, status: 403, code: "not_host" });
  });

  it("refuses host-only actions to a member even before the AMA starts", () => {
    expect(decideRoom(initialRoomState(host, 2), { type: "start", by: "alice" }, now)).toMatchObject({ code: "not_host" });
  });

  it("never aims a stage action at the host", () => {
    for (const command of [promote(host), { type: "demote", by: host, memberId: host }, { type: "remove", by: host, memberId: host }] as RoomCommand[]) {
      expect(decideRoom(room, command, now)).toMatchObject({ ok: false, status: 422, code: "target_is_host" });
    }
  });
});

describe("promotion and the stage", () => {
  it("moves a promoted hand out of the queue, and onto the stage when its audio arrives", () => {
    const promoted = given(liveRoom(), [raise("alice", gold), raise("bob", silver), promote("alice")]);
    expect(queueIds(promoted)).toEqual(["bob"]);
    expect(promoted.promoted).toEqual([{ memberId: "alice", promotedAtMs: now }]);
    const speaking = given(promoted, [{ type: "arriveAsSpeaker", by: "alice" }], now + 2_000);
    expect(speaking.promoted).toEqual([]);
    expect(speaking.speakers).toEqual([{ memberId: "alice", since: now + 2_000, muted: false }]);
  });

  it("promotes only raised hands, and says so for a speaker", () => {
    const room = given(liveRoom(), [raise("alice", gold), promote("alice"), { type: "arriveAsSpeaker", by: "alice" }]);
    expect(decideRoom(room, promote("bob"), now)).toMatchObject({ ok: false, status: 409, code: "not_in_queue" });
    expect(decideRoom(room, promote("alice"), now)).toMatchObject({ ok: false, status: 409, code: "already_speaker" });
    expect(decideRoom(room, raise("alice", gold), now)).toMatchObject({ ok: false, code: "already_speaker" });
  });

  it("keeps a pending promotion and its deadline when the host promotes twice", () => {
    const room = given(liveRoom(), [raise("alice", gold), promote("alice")]);
    expect(decideRoom(room, promote("alice"), now + 30_000)).toEqual({ ok: true, events: [] });
  });

  it("refuses a promotion past the speaker cap, counting promotions still waiting for audio", () => {
    const room = given(liveRoom(2), [raise("alice", gold), raise("bob", gold), raise("carol", gold), promote("alice"), { type: "arriveAsSpeaker", by: "alice" }, promote("bob")]);
    expect(decideRoom(room, promote("carol"), now)).toMatchObject({ ok: false, status: 422, code: "speaker_cap_reached" });
    const freed = given(room, [{ type: "demote", by: host, memberId: "alice" }]);
    expect(decideRoom(freed, promote("carol"), now)).toMatchObject({ ok: true });
  });

  it("sends a demoted speaker back to the audience, not to the queue", () => {
    const room = given(liveRoom(), [raise("alice", gold), promote("alice"), { type: "arriveAsSpeaker", by: "alice" }, { type: "demote", by: host, memberId: "alice" }]);
    expect(room.speakers).toEqual([]);
    expect(room.queue).toEqual([]);
    expect(room.present).toContain("alice");
    expect(decideRoom(room, { type: "demote", by: host, memberId: "alice" }, now)).toMatchObject({ ok: false, status: 409, code: "not_speaker" });
  });

  it("mutes and unmutes a speaker, and muting a muted speaker changes nothing", () => {
    const mute = (muted: boolean): RoomCommand => ({ type: "mute", by: host, memberId: "alice", muted });
    const room = given(liveRoom(), [raise("alice", gold), promote("alice"), { type: "arriveAsSpeaker", by: "alice" }, mute(true)]);
    expect(room.speakers[0].muted).toBe(true);
    expect(decideRoom(room, mute(true), now)).toEqual({ ok: true, events: [] });
    expect(given(room, [mute(false)]).speakers[0].muted).toBe(false);
    expect(decideRoom(room, { type: "mute", by: host, memberId: "bob", muted: true }, now)).toMatchObject({ ok: false, code: "not_speaker" });
  });

  it("frees the seat of a speaker who leaves", () => {
    const room = given(liveRoom(1), [raise("alice", gold), raise("bob", gold), promote("alice"), { type: "arriveAsSpeaker", by: "alice" }, { type: "leave", by: "alice" }]);
    expect(room.speakers).toEqual([]);
    expect(decideRoom(room, promote("bob"), now)).toMatchObject({ ok: true });
  });

  it("removes a member from the stage, the queue and the room at once", () => {
    const room = given(liveRoom(), [raise("alice", gold), raise("bob", gold), promote("alice"), { type: "remove", by: host, memberId: "alice" }, { type: "remove", by: host, memberId: "bob" }]);
    expect(room.promoted).toEqual([]);
    expect(room.queue).toEqual([]);
    expect(room.present).not.toContain("alice");
    expect(decideRoom(room, { type: "remove", by: host, memberId: "alice" }, now)).toEqual({ ok: true, events: [] });
  });

  it("clears the stage and the queue when the AMA ends, and never starts again", () => {
    const room = given(liveRoom(), [raise("alice", gold), raise("bob", gold), promote("alice"), { type: "end", by: host }], now);
    expect(room).toMatchObject({ status: "ended", endedAtMs: now, speakers: [], promoted: [], queue: [] });
    expect(decideRoom(room, { type: "start", by: host }, now)).toMatchObject({ ok: false, status: 409, code: "room_ended" });
    expect(decideRoom(room, { type: "end", by: host }, now)).toEqual({ ok: true, events: [] });
  });
});

describe("the promotion timeout", () => {
  const promoted = given(liveRoom(1), [raise("alice", gold), raise("bob", silver), promote("alice")], now);
  const expire: RoomCommand = { type: "expirePromotions", by: "room" };

  it("keeps a promotion until its deadline, which the room's alarm can wait for", () => {
    expect(nextPromotionDeadlineMs(promoted)).toBe(now + promotionTimeoutMs);
    expect(decideRoom(promoted, expire, now + promotionTimeoutMs - 1)).toEqual({ ok: true, events: [] });
    expect(decideRoom(promoted, { type: "arriveAsSpeaker", by: "alice" }, now + promotionTimeoutMs - 1)).toMatchObject({ ok: true });
  });

  it("skips a promoted member whose audio did not arrive in time: back to the audience, and the seat is free", () => {
    const expired = given(promoted, [expire], now + promotionTimeoutMs);
    expect(expired.promoted).toEqual([]);
    expect(queueIds(expired)).toEqual(["bob"]);
    expect(nextPromotionDeadlineMs(expired)).toBeNull();
    expect(decideRoom(expired, promote("bob"), now + promotionTimeoutMs)).toMatchObject({ ok: true });
  });

  it("refuses audio that arrives after the deadline, before the alarm has run", () => {
    expect(decideRoom(promoted, { type: "arriveAsSpeaker", by: "alice" }, now + promotionTimeoutMs)).toMatchObject({ ok: false, code: "promotion_expired" });
    expect(decideRoom(promoted, { type: "arriveAsSpeaker", by: "bob" }, now)).toMatchObject({ ok: false, code: "not_promoted" });
  });
});

describe("presence", () => {
  it("records an arrival once however many sockets the member opens", () => {
    const room = liveRoom();
    expect(decideRoom(room, { type: "arrive", by: "alice" }, now)).toEqual({ ok: true, events: [] });
    expect(decideRoom(room, { type: "leave", by: "eve" }, now)).toEqual({ ok: true, events: [] });
  });

  it("turns a member away when the room holds as many sockets as a Durable Object can", () => {
    const full = { ...liveRoom(), present: Array.from({ length: presentCountMax }, (_, index) => `m${index}`) };
    expect(decideRoom(full, { type: "arrive", by: "eve" }, now)).toMatchObject({ ok: false, status: 409, code: "room_full" });
  });

  it("shows clients how many are present, not who", () => {
    const view = roomView(given(liveRoom(), [raise("alice", bronze), raise("bob", diamond)]));
    expect(view).toMatchObject({ status: "live", presentCount: 5 });
    expect(view).not.toHaveProperty("present");
    expect(view.queue.map((entry) => entry.memberId)).toEqual(["bob", "alice"]);
  });
});

const memberIds = ["alice", "bob", "carol", "dave", "eve", host];
const memberArb = fc.constantFrom(...memberIds);
const entryArb = fc.record({ memberId: fc.string({ minLength: 1, maxLength: 8 }), tierRank: fc.integer({ min: 0, max: 3 }), raisedAtMs: fc.integer({ min: 0, max: 5 }) });
const byMember = (type: "lowerHand" | "arrive" | "leave" | "arriveAsSpeaker" | "expirePromotions") => memberArb.map((by): RoomCommand => ({ type, by }));
const byHostMostly = fc.constantFrom(host, host, host, "alice");
const commandArb: fc.Arbitrary<RoomCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant("raiseHand" as const), by: memberArb, tierRank: fc.integer({ min: -1, max: 4 }) }) },
  { weight: 2, arbitrary: byMember("lowerHand") },
  { weight: 2, arbitrary: byMember("arrive") },
  { weight: 1, arbitrary: byMember("leave") },
  { weight: 6, arbitrary: byMember("arriveAsSpeaker") },
  { weight: 1, arbitrary: byMember("expirePromotions") },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom("start" as const, "end" as const), by: fc.constantFrom(host, "alice", "alice", "alice", "alice") }) },
  { weight: 5, arbitrary: fc.record({ type: fc.constant("promote" as const), by: byHostMostly, memberId: memberArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom("demote" as const, "remove" as const), by: byHostMostly, memberId: memberArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("mute" as const), by: byHostMostly, memberId: memberArb, muted: fc.boolean() }) },
);

describe("properties", () => {
  it("orders any queue the same way whatever order the hands arrive in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(entryArb, { selector: (entry) => entry.memberId, maxLength: 30 }), fc.func(fc.integer()), (entries, shuffleKey) => {
        const shuffled = [...entries].sort((a, b) => shuffleKey(a.memberId) - shuffleKey(b.memberId));
        const ordered = orderedQueue(entries);
        expect(orderedQueue(shuffled)).toEqual(ordered);
        const raised = (hands: QueueEntry[]) =>
          hands.reduce((room, hand) => evolveRoom(room, { type: "hand_raised", memberId: hand.memberId, tierRank: hand.tierRank, atMs: hand.raisedAtMs }), initialRoomState(host, 2));
        expect(raised(shuffled).queue).toEqual(ordered);
        for (let index = 1; index < ordered.length; index++) expect(isBefore(ordered[index - 1], ordered[index])).toBe(true);
      }),
    );
  });

  it("keeps every room invariant, never changes its input, and emits only well-formed events, over any commands", () => {
    const gapArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 5_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * promotionTimeoutMs }) });
    const stepArb = fc.record({ command: commandArb, gapMs: gapArb, audioFollows: fc.boolean() });
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 80 }), (steps) => {
        // Frozen deeply: a rule that changed its input would throw.
        let room = deepFreeze(given(initialRoomState(host, 2), [...arrive(...memberIds), { type: "start", by: host }], now));
        let atMs = now;
        const apply = (command: RoomCommand) => {
          const decision = decideRoom(room, command, atMs);
          if (!decision.ok) return;
          for (const event of decision.events) {
            expect(RoomEventSchema.safeParse(event).success).toBe(true);
            room = deepFreeze(evolveRoom(room, event));
          }
          expect(roomInvariantViolations(room)).toEqual([]);
        };
        for (const { command, gapMs, audioFollows } of steps) {
          atMs += gapMs;
          apply(command);
          // A promoted member's audio often follows at once; random commands alone would rarely find them.
          if (audioFollows && command.type === "promote") apply({ type: "arriveAsSpeaker", by: command.memberId });
        }
        apply({ type: "end", by: host });
        expect(room).toMatchObject({ status: "ended", speakers: [], promoted: [], queue: [] });
      }),
    );
  });
});

/** The queue order spelled out: higher tier, then earlier hand, then smaller member id. */
function isBefore(a: QueueEntry, b: QueueEntry): boolean {
  if (a.tierRank !== b.tierRank) return a.tierRank > b.tierRank;
  if (a.raisedAtMs !== b.raisedAtMs) return a.raisedAtMs < b.raisedAtMs;
  return a.memberId < b.memberId;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
