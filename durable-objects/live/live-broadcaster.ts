import { eventsPerFrameMax } from "../../domain/live/frame-parser";
import { type ChangeLogTables, appendChanges, changesAfter, currentSeq } from "./change-log";

/** Changes that land together go out as one frame, after at most this long. */
export const broadcastBatchMs = 50;
/**
 * A broadcast goes out to this many sockets at a time, with a turn of the event loop between slices:
 * a 10,000-socket room (about 6 µs a send) answers its members every 3 ms or so instead of going
 * quiet for 60 ms, and only one slice's sends wait on their pumps at once.
 */
export const broadcastSliceSockets = 500;
/** A socket this many changes behind its acknowledgements is closed (it reconnects and catches up); a slow socket never stalls the actor. */
export const socketLagMax = 500;
/** …and has not acknowledged anything for this long (two missed 20-second heartbeats and some). */
export const socketAckStaleMs = 45_000;

/** What every live socket's attachment carries (with the actor's own fields): how far the page has applied. */
export type LiveSocketAttachment = { ackSeq: number; ackedAtMs?: number };

/** Sequenced changes as `events` frames of at most `eventsPerFrameMax` changes each. */
export function changeFrames<Change>(fromSeq: number, changes: readonly Change[]): { type: "events"; fromSeq: number; toSeq: number; events: Change[] }[] {
  const frames = [];
  for (let start = 0; start < changes.length; start += eventsPerFrameMax) {
    const chunk = changes.slice(start, start + eventsPerFrameMax);
    frames.push({ type: "events" as const, fromSeq: fromSeq + start, toSeq: fromSeq + start + chunk.length - 1, events: chunk });
  }
  return frames;
}

/**
 * The live layer a Room and an Event share: it logs changes with sequence numbers in the caller's
 * transaction, batches them out to every hibernating socket as one frame, closes a socket that fell
 * far behind and went silent (never waits on it), and catches a reconnecting page up from its last
 * sequence number or with a snapshot.
 */
export class LiveBroadcaster<Change extends object, Frame extends object> {
  /** Changes logged but not yet sent; `flush` sends them (reached by the broadcast bench). */
  pending: { fromSeq: number; toSeq: number; events: Change[] } | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** A broadcast is going out slice by slice; the next batch waits for it, so every socket gets frames in sequence order. */
  private broadcasting = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly tables: ChangeLogTables,
    private readonly snapshotFrame: () => Frame,
  ) {}

  seq(): number {
    return currentSeq(this.ctx.storage.sql, this.tables);
  }

  /** Logs changes: call inside the transaction that makes them. */
  append(changes: readonly Change[], nowMs: number): void {
    const range = appendChanges(this.ctx.storage.sql, this.tables, changes, nowMs);
    if (!range) return;
    this.pending = this.pending ? { fromSeq: this.pending.fromSeq, toSeq: range.toSeq, events: [...this.pending.events, ...changes] } : { ...range, events: [...changes] };
  }

  /** After the transaction: the batch goes out within `broadcastBatchMs` (or right after the broadcast still going out). */
  schedule(): void {
    if (this.pending && !this.flushTimer && !this.broadcasting) this.flushTimer = setTimeout(() => void this.flush(), broadcastBatchMs);
  }

  /**
   * Sends the batched changes as sequenced frames to every socket, a slice at a time. A socket that
   * joins meanwhile was caught up from the log, which already holds these changes; a page drops a
   * frame it has applied, so one sent twice changes nothing.
   */
  async flush(): Promise<void> {
    this.flushTimer = null;
    const batch = this.pending;
    if (!batch || this.broadcasting) return;
    this.pending = null;
    this.broadcasting = true;
    try {
      // Serialized once per frame, not once per socket: at 10,000 sockets the repeated JSON.stringify was a third of the flush (bench/room-broadcast.test.ts).
      const texts = changeFrames(batch.fromSeq, batch.events).map((frame) => JSON.stringify(frame));
      const sockets = this.ctx.getWebSockets();
      for (let start = 0; start < sockets.length; start += broadcastSliceSockets) {
        if (start > 0) await new Promise((resolve) => setTimeout(resolve, 0));
        this.sendSlice(sockets.slice(start, start + broadcastSliceSockets), texts, batch.toSeq);
      }
    } finally {
      this.broadcasting = false;
      this.schedule();
    }
  }

  /** One slice of a broadcast; a socket too far behind is closed, never waited on (reached by the broadcast bench, which times each slice). */
  sendSlice(sockets: readonly WebSocket[], texts: readonly string[], toSeq: number): void {
    const now = Date.now();
    for (const socket of sockets) {
      // Closed since the broadcast began (the host removed the member, the page went away): nothing to send, nothing to close again.
      if (socket.readyState !== WebSocket.OPEN) continue;
      const member = socket.deserializeAttachment() as LiveSocketAttachment | null;
      // Behind by many changes AND silent for a while: a page that acknowledges on its heartbeats is never cut off for a busy actor.
      if (member && toSeq - member.ackSeq > socketLagMax && now - (member.ackedAtMs ?? 0) > socketAckStaleMs) {
        socket.close(4008, "too far behind: reconnect with your last sequence number");
        continue;
      }
      for (const text of texts) this.sendText(socket, text);
    }
  }

  /** A socket that says its last sequence number gets what it missed, or a snapshot when that is gone. */
  catchUp<Attachment extends LiveSocketAttachment>(ws: WebSocket, member: Attachment, lastSeq: number | null): void {
    const missed = lastSeq === null ? null : changesAfter<Change>(this.ctx.storage.sql, this.tables, lastSeq);
    if (missed && missed.changes.length > 0) for (const frame of changeFrames(lastSeq! + 1, missed.changes)) this.sendText(ws, JSON.stringify(frame));
    else if (!missed) this.send(ws, this.snapshotFrame());
    ws.serializeAttachment({ ...member, ackSeq: missed?.seq ?? this.seq(), ackedAtMs: Date.now() });
  }

  send(ws: WebSocket, frame: Frame): void {
    this.sendText(ws, JSON.stringify(frame));
  }

  private sendText(ws: WebSocket, text: string): void {
    try {
      ws.send(text);
    } catch {
      // A socket that closed under us is cleaned up by its close event.
    }
  }
}
