import type { RoomEvent, ServerFrame } from "../domain/rooms/frames";
import type { SignedInMember } from "./room-members";

/**
 * Node 22's global WebSocket is undici's, which takes a non-standard `{ headers }` init: the room's
 * socket route needs the session cookie and an Origin equal to APP_ORIGIN, and a browser-style
 * WebSocket cannot set either. (The `ws` package would too, but it is only a transitive dependency here.)
 */
type UndiciWebSocketInit = { headers: Record<string, string> };
const NodeWebSocket = WebSocket as unknown as new (url: string, init: UndiciWebSocketInit) => WebSocket;

/** A page acknowledges what it applied before the room's lag bound (500 changes) would close it. */
const ackEverySeq = 200;
/** Pages heartbeat well inside the room's 60 s staleness; spread so 1,000 sockets do not beat at once. */
const heartbeatEveryMs = 20_000;
const openTimeoutMs = 30_000;

export type RoomSocket = {
  member: SignedInMember;
  send: (frame: object) => void;
  /** Called with each event and the time (performance.now()) its frame arrived. */
  onEvent: (listener: (event: RoomEvent, receivedAtMs: number) => void) => void;
  /** Sends a heartbeat acknowledging everything received so far. */
  ack: () => void;
  lastSeq: () => number;
  closedWith: () => string | null;
  close: () => void;
};

/** A member's room socket through the Worker's route, open and past its first snapshot. */
export function openRoomSocket(workerUrl: string, amaId: string, member: SignedInMember, appOrigin: string): Promise<RoomSocket> {
  const url = `${workerUrl.replace(/^http/, "ws")}/v1/amas/${amaId}/socket`;
  const socket = new NodeWebSocket(url, { headers: { Cookie: member.cookie, Origin: appOrigin } });
  const listeners: ((event: RoomEvent, receivedAtMs: number) => void)[] = [];
  let lastSeq = -1;
  let ackedSeq = -1;
  let closed: string | null = null;
  const send = (frame: object) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  const ack = () => {
    ackedSeq = lastSeq;
    send({ type: "heartbeat", lastSeq: Math.max(lastSeq, 0) });
  };
  let timer = setTimeout(function beat() {
    ack();
    timer = setTimeout(beat, heartbeatEveryMs);
    timer.unref();
  }, Math.random() * heartbeatEveryMs);
  timer.unref();
  const roomSocket: RoomSocket = {
    member,
    send,
    onEvent: (listener) => listeners.push(listener),
    ack,
    lastSeq: () => lastSeq,
    closedWith: () => closed,
    close: () => {
      clearTimeout(timer);
      socket.close();
    },
  };

  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`rooms: ${member.id}'s socket did not open within ${openTimeoutMs / 1000} s`)), openTimeoutMs);
    socket.addEventListener("message", (message) => {
      const receivedAtMs = performance.now();
      // Not validated with the frame schema: the bench trusts its own worker, and parsing 1,000
      // sockets' frames with zod would be billed to the fan-out latency it measures.
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      if (frame.type === "snapshot") {
        lastSeq = frame.seq;
        clearTimeout(giveUp);
        resolve(roomSocket);
      } else if (frame.type === "events") {
        lastSeq = frame.toSeq;
        for (const event of frame.events) for (const listener of listeners) listener(event, receivedAtMs);
        if (lastSeq - ackedSeq >= ackEverySeq) ack();
      }
    });
    socket.addEventListener("close", (event) => {
      closed = `${event.code} ${event.reason}`;
      clearTimeout(timer);
      reject(new Error(`rooms: ${member.id}'s socket closed before its snapshot: ${closed}`));
    });
    socket.addEventListener("error", () => reject(new Error(`rooms: ${member.id}'s socket failed to open (${url})`)));
  });
}
