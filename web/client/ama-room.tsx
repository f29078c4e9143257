import { render, useState } from "hono/jsx/dom";
import { type ClientFrame, RoomViewSchema } from "../../domain/rooms/frames";
import { RoomStage, type RoomStageProps } from "../pages/room-stage";
import type { AttendanceFigure } from "../words/room-words";
import { show } from "./lib/api";
import { joinAudio } from "./lib/room-audio";
import { type LocalRoom, applyFrame } from "./lib/room-view";
import { liveSocketUrl, openRoomSocket, showConnection } from "./lib/room-socket";

/**
 * The AMA room page, live: the server rendered the room as of `data-seq`; this script keeps it
 * current from the room's socket, sends the buttons' commands, and joins audio on request.
 */
const root = document.getElementById("room-live")!;
const notice = document.getElementById("room-notice")!;
const connection = document.getElementById("room-connection")!;
const amaId = root.dataset.amaId!;
const me = root.dataset.me!;
// The server's first render, as of `data-seq`: the socket resumes from there.
let room: LocalRoom = { seq: Number(root.dataset.seq), view: RoomViewSchema.parse(JSON.parse(root.dataset.state!)) };
let attendance: AttendanceFigure | null = root.dataset.attendance ? (JSON.parse(root.dataset.attendance) as AttendanceFigure) : null;
let connected = false;

let update: (props: RoomStageProps) => void = () => undefined;
function LiveStage(props: RoomStageProps) {
  const [current, setCurrent] = useState(props);
  update = setCurrent;
  return <RoomStage {...current} />;
}
const props = (): RoomStageProps => ({ view: room.view, me, attendance, connected });
root.replaceChildren();
render(<LiveStage {...props()} />, root);

const socket = openRoomSocket(liveSocketUrl(`/v1/amas/${encodeURIComponent(amaId)}/socket`), {
  lastSeq: () => room.seq,
  state(state, detail) {
    connected = state === "open";
    showConnection(connection, "room", state, detail);
    update(props());
  },
  frame(frame) {
    if (frame.type === "error") return show(notice, frame.message, "error");
    if (frame.type === "attendance") {
      attendance = { attendedMs: frame.attendedMs, thresholdMs: frame.thresholdMs, paid: frame.paid };
      return update(props());
    }
    const outcome = applyFrame(room, frame);
    if (outcome.gap) return socket.reconnect();
    room = outcome.room;
    // The sequence number the page has applied, readable by tests and by anyone debugging a missed change.
    root.dataset.seq = String(room.seq);
    if (outcome.changed) update(props());
  },
});

root.addEventListener("click", (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action]");
  if (!button) return;
  const frame = frameFor(button.dataset.action ?? "", button.dataset.memberId ?? "");
  if (!frame) return;
  show(notice, "");
  if (!socket.send(frame)) show(notice, "Not connected to the room yet. Try again in a moment.", "error");
});

/** The frame a button of RoomStage asks for (its data-action and data-member-id). */
function frameFor(action: string, memberId: string): ClientFrame | null {
  switch (action) {
    case "start":
    case "end":
    case "raise_hand":
    case "lower_hand":
      return { type: action };
    case "promote":
    case "demote":
    case "remove":
      return { type: action, memberId };
    case "mute":
    case "unmute":
      return { type: "mute", memberId, muted: action === "mute" };
    default:
      return null;
  }
}

const audioButton = document.getElementById("join-audio") as HTMLButtonElement;
const audioStatus = document.getElementById("audio-status")!;
audioButton.addEventListener("click", async () => {
  audioButton.disabled = true;
  show(audioStatus, "Joining audio…");
  const outcome = await joinAudio(amaId);
  if (!outcome.ok) {
    audioButton.hidden = true;
    return show(audioStatus, outcome.message, "error");
  }
  show(audioStatus, outcome.talking ? "You are in the audio room and can talk." : "You are in the audio room, listening.", "success");
  // Invited to speak and now in the audio room: take the stage before the invitation lapses.
  if (room.view.promoted.some((entry) => entry.memberId === me)) socket.send({ type: "take_stage" });
});
