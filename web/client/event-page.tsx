import { render, useState } from "hono/jsx/dom";
import { type EventClientFrame, type EventServerFrame, EventServerFrameSchema, EventViewSchema } from "../../domain/events/frames";
import { type Attendance, EventBoard, type EventBoardProps, type Mine } from "../pages/event-board";
import { show } from "./lib/api";
import { type LocalEvent, applyEventFrame } from "./lib/event-view";
import { joinEventAudio } from "./lib/room-audio";
import { liveSocketUrl, openLiveSocket, showConnection } from "./lib/room-socket";

/**
 * The event page, live: the server rendered the event as of `data-seq`; this script keeps it current
 * from the event's socket, and sends questions, upvotes, votes and the host's actions.
 */
const root = document.getElementById("event-live")!;
const notice = document.getElementById("event-notice")!;
const connection = document.getElementById("event-connection")!;
const eventId = root.dataset.eventId!;
const me = root.dataset.me!;
let local: LocalEvent = { seq: Number(root.dataset.seq), view: EventViewSchema.parse(JSON.parse(root.dataset.state!)) };
let attendance: Attendance | null = me === local.view.hostId ? null : (JSON.parse(root.dataset.attendance!) as Attendance);
let mine: Mine = { upvoted: [], votes: [] };
let connected = false;

let update: (props: EventBoardProps) => void = () => undefined;
function LiveBoard(props: EventBoardProps) {
  const [current, setCurrent] = useState(props);
  update = setCurrent;
  return <EventBoard {...current} />;
}
const props = (): EventBoardProps => ({ view: local.view, me, mine, attendance, connected });
root.replaceChildren();
render(<LiveBoard {...props()} />, root);

const socket = openLiveSocket<EventClientFrame, EventServerFrame>(liveSocketUrl(`/v1/events/${encodeURIComponent(eventId)}/socket`), EventServerFrameSchema, {
  lastSeq: () => local.seq,
  state(state, detail) {
    connected = state === "open";
    showConnection(connection, "event", state, detail);
    update(props());
  },
  frame(frame) {
    if (frame.type === "error") return show(notice, frame.message, "error");
    if (frame.type === "mine") {
      mine = { upvoted: frame.upvoted, votes: frame.votes };
      return update(props());
    }
    if (frame.type === "attendance") {
      if (attendance) attendance = { presentMs: frame.presentMs, milestones: frame.milestones };
      return update(props());
    }
    const outcome = applyEventFrame(local, frame);
    if (outcome.gap) return socket.reconnect();
    local = outcome.event;
    root.dataset.seq = String(local.seq);
    if (outcome.changed) update(props());
  },
});

function send(frame: EventClientFrame): boolean {
  show(notice, "");
  const sent = socket.send(frame);
  if (!sent) show(notice, "Not connected to the event yet. Try again in a moment.", "error");
  return sent;
}

root.addEventListener("click", (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action]");
  if (!button) return;
  const questionId = Number(button.dataset.questionId);
  const pollId = Number(button.dataset.pollId);
  switch (button.dataset.action) {
    case "upvote":
    case "answer":
    case "hide":
      return void send({ type: button.dataset.action, questionId });
    case "close_poll":
      return void send({ type: "close_poll", pollId });
    case "vote": {
      const poll = local.view.polls.find((entry) => entry.id === pollId);
      if (!poll) return;
      const choice = Number(button.dataset.choice);
      const current = mine.votes.find((vote) => vote.pollId === pollId)?.choices ?? [];
      // A multiple-choice poll toggles the option; a single-choice one moves the vote to it.
      const choices = poll.multiple ? (current.includes(choice) ? current.filter((entry) => entry !== choice) : [...current, choice]) : [choice];
      if (choices.length === 0) return show(notice, "Keep at least one option: a vote can change but not be taken back.", "error");
      return void send({ type: "vote", pollId, choices });
    }
  }
});

const askForm = document.getElementById("ask-form") as HTMLFormElement | null;
askForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const field = askForm.elements.namedItem("text") as HTMLTextAreaElement;
  if (field.value.trim() && send({ type: "ask", text: field.value.trim() })) field.value = "";
});

const pollForm = document.getElementById("poll-form") as HTMLFormElement | null;
pollForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = (pollForm.elements.namedItem("question") as HTMLInputElement).value.trim();
  const options = (pollForm.elements.namedItem("options") as HTMLTextAreaElement).value.split("\n").map((line) => line.trim()).filter(Boolean);
  const multiple = (pollForm.elements.namedItem("multiple") as HTMLInputElement).checked;
  if (send({ type: "open_poll", question, options, multiple })) pollForm.reset();
});

const audioButton = document.getElementById("join-audio") as HTMLButtonElement | null;
const audioStatus = document.getElementById("audio-status");
audioButton?.addEventListener("click", async () => {
  audioButton.disabled = true;
  if (audioStatus) show(audioStatus, "Joining audio…");
  const outcome = await joinEventAudio(eventId);
  if (!outcome.ok) {
    audioButton.hidden = true;
    if (audioStatus) show(audioStatus, outcome.message, "error");
    return;
  }
  if (audioStatus) show(audioStatus, outcome.talking ? "You are in the audio room and can talk." : "You are in the audio room, listening.", "success");
});
