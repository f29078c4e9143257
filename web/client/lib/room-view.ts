import type { RoomEvent, RoomView, ServerFrame } from "../../../domain/rooms/frames";
import { evolveRoom } from "../../../domain/rooms/speaker-queue";

/** The page's copy of the room: the view as of `seq`, the last sequence number applied. */
export type LocalRoom = { seq: number; view: RoomView };

/**
 * One room event applied to the page's view, by the room's own `evolveRoom` (the page and the room
 * cannot disagree on queue order). The view carries a count, not the present members' ids, so
 * presence is counted here: the room sends an arrival only for a member not yet present, and a
 * departure or removal only for one who is.
 */
export function applyEvent(view: RoomView, event: RoomEvent): RoomView {
  const { presentCount, ...stage } = view;
  const { present: _present, ...next } = evolveRoom({ ...stage, present: [] }, event);
  const change = event.type === "member_arrived" ? 1 : event.type === "member_left" || event.type === "member_removed" ? -1 : 0;
  return { ...next, presentCount: Math.max(0, presentCount + change) };
}

export type FrameOutcome = { room: LocalRoom; changed: boolean; gap: boolean };

/**
 * A sequenced frame applied in order: a snapshot replaces the view; events already applied are
 * skipped (a resume may send them again); events that start past the next sequence number are a
 * gap, and the page reconnects from `seq` instead of guessing.
 */
export function applyFrame(room: LocalRoom, frame: Extract<ServerFrame, { type: "snapshot" | "events" }>): FrameOutcome {
  if (frame.type === "snapshot") return { room: { seq: frame.seq, view: frame.state }, changed: true, gap: false };
  if (frame.fromSeq > room.seq + 1) return { room, changed: false, gap: true };
  const fresh = frame.events.slice(room.seq + 1 - frame.fromSeq);
  if (fresh.length === 0) return { room, changed: false, gap: false };
  return { room: { seq: frame.toSeq, view: fresh.reduce(applyEvent, room.view) }, changed: true, gap: false };
}
