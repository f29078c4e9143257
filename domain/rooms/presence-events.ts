/**
 * A TRTC room callback as the room actor records it (issue 21). Tencent's EventType 103 is a user
 * entering the room, 104 a user leaving it (with a reason). Room ids are strings everywhere: TRTC
 * treats the room 123 and the room "123" as different rooms, and a callback may carry either form.
 */
export type TrtcPresenceEvent = {
  /** 103 (enter) or 104 (exit); other types are acknowledged by the webhook and never reach a room. */
  eventType: 103 | 104;
  /** The TRTC room id as a string (the AMA id). */
  roomId: string;
  /** The TRTC user id (ours: the member's TRTC id). */
  userId: string;
  /** When it happened, in ms (EventMsTs; EventTs × 1000 when only seconds are given). */
  atMs: number;
  /** For an exit: Tencent's Reason as the callback gave it (normal, timeout, removed: see workers/webhooks/trtc.ts); null for an enter. */
  reason: number | null;
  role: number | null;
};

/** The callback's natural id: TRTC retries a callback for about a minute, and a retry is the same event. */
export function presenceEventKey(event: Pick<TrtcPresenceEvent, "eventType" | "roomId" | "userId" | "atMs">): string {
  return `${event.eventType}:${event.roomId}:${event.userId}:${event.atMs}`;
}
