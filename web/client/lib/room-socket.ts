import { type ClientFrame, type ServerFrame, ServerFrameSchema } from "../../../domain/rooms/frames";
import { show } from "./api";

/** What every live socket (an AMA room's, a live event's) sends besides its own commands. */
type LiveClientFrame = { type: "hello" | "heartbeat"; lastSeq?: number } | { type: "visibility"; hidden: boolean };
type FrameSchema<Frame> = { safeParse(data: unknown): { success: true; data: Frame } | { success: false } };

/** The room asks for a heartbeat at least this often to keep the member present. */
export const heartbeatEveryMs = 20_000;
/** Reconnect waits grow from the first to the last, then stay there; a random part spreads a room's pages after a deploy. */
const backoffMs = [250, 1_000, 2_000, 5_000, 10_000] as const;
const jitterMs = 500;
/** Close codes after which reconnecting would only be refused again (the host removed this member). */
const finalCloseCodes = new Set([4003]);

export type LiveSocketState = "connecting" | "open" | "retrying" | "closed";

export type LiveSocketHooks<Server> = {
  /** The last sequence number the page applied: sent on every (re)connect and heartbeat. */
  lastSeq(): number | null;
  frame(frame: Server): void;
  state(state: LiveSocketState, detail?: string): void;
};

/** A live socket's address on this page's own origin (rooms and events accept sockets only from the site's pages). */
export function liveSocketUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** Tells the member, in words, how the page's connection to the room or event stands. */
export function showConnection(element: HTMLElement, place: "room" | "event", state: LiveSocketState, detail?: string): void {
  const words = { connecting: `Connecting to the ${place}…`, open: "Connected: changes show as they happen.", retrying: "Connection lost. Reconnecting…", closed: "Disconnected." };
  show(element, state === "closed" && detail ? `Disconnected: ${detail}.` : words[state], state === "closed" ? "error" : "info");
}

export type RoomSocketHooks = LiveSocketHooks<ServerFrame>;

/** The AMA room's socket (below). */
export function openRoomSocket(baseUrl: string, hooks: RoomSocketHooks) {
  return openLiveSocket<ClientFrame, ServerFrame>(baseUrl, ServerFrameSchema, hooks);
}

/**
 * A live socket (an AMA room's, an event's), kept open: every connect resumes from the page's last sequence number (in
 * the URL, where the room catches up at the upgrade, and in `hello`), a heartbeat every 20 s
 * carries it too, a close (a deploy, a lost network, a gap the page found) reconnects with backoff,
 * and a frame that fails the schema is dropped, never applied.
 */
export function openLiveSocket<Client extends { type: string }, Server>(baseUrl: string, schema: FrameSchema<Server>, hooks: LiveSocketHooks<Server>) {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let stopped = false;

  const send = (frame: Client | LiveClientFrame): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  const connect = () => {
    hooks.state(attempt === 0 ? "connecting" : "retrying");
    const lastSeq = hooks.lastSeq();
    const url = new URL(baseUrl);
    if (lastSeq !== null) url.searchParams.set("lastSeq", String(lastSeq));
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener("open", () => {
      hooks.state("open");
      send({ type: "hello", ...seqField(hooks.lastSeq()) });
      send({ type: "visibility", hidden: document.visibilityState === "hidden" });
      heartbeat = setInterval(() => send({ type: "heartbeat", ...seqField(hooks.lastSeq()) }), heartbeatEveryMs);
    });
    current.addEventListener("message", (event) => {
      const parsed = typeof event.data === "string" ? parseServerFrame(schema, event.data) : null;
      if (!parsed) return;
      // A frame arrived: this connection works, so the next drop starts the backoff afresh.
      attempt = 0;
      hooks.frame(parsed);
    });
    current.addEventListener("close", (event) => {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      if (socket !== current) return;
      socket = null;
      if (stopped || finalCloseCodes.has(event.code)) {
        hooks.state("closed", event.reason);
        return;
      }
      const waitMs = backoffMs[Math.min(attempt, backoffMs.length - 1)] + Math.random() * jitterMs;
      attempt++;
      hooks.state("retrying");
      setTimeout(connect, waitMs);
    });
  };

  const onVisibility = () => send({ type: "visibility", hidden: document.visibilityState === "hidden" });
  document.addEventListener("visibilitychange", onVisibility);
  connect();

  return {
    send,
    /** Drops this connection and opens another from the last sequence number (after a gap). */
    reconnect() {
      socket?.close(4000, "sequence gap: resuming from the last applied change");
    },
    stop() {
      stopped = true;
      document.removeEventListener("visibilitychange", onVisibility);
      socket?.close(1000, "page closed");
    },
  };
}

const seqField = (lastSeq: number | null) => (lastSeq === null ? {} : { lastSeq });

function parseServerFrame<Server>(schema: FrameSchema<Server>, text: string): Server | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
