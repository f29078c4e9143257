import type { ClientFrame } from "../../domain/rooms/frames";
import type { RoomCommand } from "../../domain/rooms/speaker-queue";

/** Who a socket is: the Worker checked the session before the upgrade and told the room (the attachment, ≤ 2 KB). */
export type SocketMember = { memberId: string; tierRank: number; ackSeq: number; ackedAtMs?: number; attendanceSentMs?: number };

/** A client frame that asks the room to change, as the room's rules take it; null for frames that are not commands. */
export function commandOf(frame: ClientFrame, member: SocketMember): RoomCommand | null {
  const by = member.memberId;
  switch (frame.type) {
    case "start":
      return { type: "start", by };
    case "end":
      return { type: "end", by };
    case "raise_hand":
      return { type: "raiseHand", by, tierRank: member.tierRank };
    case "lower_hand":
      return { type: "lowerHand", by };
    case "take_stage":
      return { type: "arriveAsSpeaker", by };
    case "promote":
      return { type: "promote", by, memberId: frame.memberId };
    case "demote":
      return { type: "demote", by, memberId: frame.memberId };
    case "mute":
      return { type: "mute", by, memberId: frame.memberId, muted: frame.muted };
    case "remove":
      return { type: "remove", by, memberId: frame.memberId };
    default:
      return null;
  }
}
