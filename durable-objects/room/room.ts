import { DurableObject } from "cloudflare:workers";
import { type ServerFrame, parseClientFrame } from "../../domain/rooms/frames";
import { type TrtcPresenceEvent, presenceEventKey } from "../../domain/rooms/presence-events";
import { type RoomCommand, type RoomEvent, type RoomState, decideRoom, evolveRoom, initialRoomState, nextPromotionDeadlineMs, roomView } from "../../domain/rooms/speaker-queue";
import type { ProgramContext } from "../member/rpc-types";
import { type AttendanceFigure, attendanceOf, creditDueAttendance, hasOwedCredits, settleAttendance } from "./room-attendance";
import { type SocketMember, commandOf } from "./room-frames";
import { LiveBroadcaster } from "../live/live-broadcaster";
import { closePresence, closeStalePresence, heartbeatStaleMs, openPresence, touchPresence } from "../live/socket-presence";
import { applyRoomSchema } from "./room-schema";
import { deliverTrtcCalls, hasOwedTrtcCalls, owedTrtcCalls } from "./room-trtc-calls";

export { socketLagMax } from "../live/live-broadcaster";
/** TRTC's role in a callback: 20 an anchor (sending audio), 21 an audience member. */
const trtcAnchorRole = 20;
/** A socket hears its member's attendance so far at most this often (on a heartbeat). */
export const attendanceFrameEveryMs = 60_000;
/** A member whose sockets all closed keeps their place this long (a deploy's reconnect takes a few seconds). */
export const leaveGraceMs = 30_000;
/** After the planned length, the room ends itself this much later if the host has not. */
export const endGraceMs = 15 * 60_000;
const retryMs = 5_000;

export type ScheduleCommand = { amaId: string; program: ProgramContext; hostMemberId: string; startsAtMs: number; plannedMs: number; speakerCap: number };
type RoomRow = { ama_id: string; program_id: string; program_config: string; host_member_id: string; starts_at_ms: number; planned_ms: number; state: string; seq: number };

/**
 * One object per AMA room (its name is the AMA id, which is also the TRTC room id, always a
 * string). Its state lives in memory for speed and is written to its SQLite storage in the same
 * turn as every change, so an eviction or a restart loses nothing; a woken room reads it back.
 * Sockets use the hibernation API: who a socket is rides in its attachment.
 */
export class Room extends DurableObject<Env> {
  private state: RoomState | null = null;
  /** The shared live layer: sequenced, batched frames to every socket, catch-up on reconnect. */
  readonly live: LiveBroadcaster<RoomEvent, ServerFrame>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.live = new LiveBroadcaster<RoomEvent, ServerFrame>(ctx, { head: "room", log: "room_events" }, (): ServerFrame => ({ type: "snapshot", seq: this.row()!.seq, state: roomView(this.state!) }));
    ctx.blockConcurrencyWhile(async () => {
      applyRoomSchema(ctx.storage.sql);
      const row = this.row();
      this.state = row ? (JSON.parse(row.state) as RoomState) : null;
    });
  }

  /** Sets the room up for its AMA; a repeat (a retried schedule) changes nothing. */
  async schedule(command: ScheduleCommand): Promise<{ amaId: string }> {
    if (this.row()) return { amaId: command.amaId };
    const state = initialRoomState(command.hostMemberId, command.speakerCap);
    this.ctx.storage.sql.exec(
      "INSERT INTO room (id, ama_id, program_id, program_config, host_member_id, starts_at_ms, planned_ms, state) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
      command.amaId,
      command.program.id,
      JSON.stringify(command.program.config),
      command.hostMemberId,
      command.startsAtMs,
      command.plannedMs,
      JSON.stringify(state),
    );
    this.state = state;
    await this.ctx.storage.setAlarm(command.startsAtMs + command.plannedMs + endGraceMs);
    return { amaId: command.amaId };
  }

  /** The room's public state and sequence number (the AMA page's first render). */
  async snapshot(): Promise<{ seq: number; state: ReturnType<typeof roomView> } | null> {
    const row = this.row();
    if (!row || !this.state) return null;
    return { seq: row.seq, state: roomView(this.state) };
  }

  /** A member's attendance so far: minutes that count, and whether the AMA's credit was paid. */
  async attendance(memberId: string, nowMs = Date.now()): Promise<AttendanceFigure | null> {
    if (!this.row() || !this.state) return null;
    return attendanceOf(this.ctx.storage.sql, this.state, memberId, nowMs);
  }

  /** Whether a member may post in the AMA's chat (an AVChatRoom, which has no member management): not once the host removed them. */
  async mayChat(memberId: string): Promise<{ allowed: true } | { allowed: false; code: "ama_not_found" | "removed_by_host" }> {
    if (!this.row()) return { allowed: false, code: "ama_not_found" };
    const removed = this.ctx.storage.sql.exec("SELECT 1 AS gone FROM removed_members WHERE member_id = ?", memberId).toArray().length > 0;
    return removed ? { allowed: false, code: "removed_by_host" } : { allowed: true };
  }

  /** A command over RPC (the host's start and end from the API, tests). */
  async command(command: RoomCommand, nowMs = Date.now()): Promise<{ ok: true; seq: number } | { ok: false; status: number; code: string; message: string }> {
    const outcome = this.apply(command, nowMs);
    if (!outcome.ok) return outcome;
    await this.afterChange(nowMs);
    return { ok: true, seq: this.row()!.seq };
  }

  /**
   * Closes every socket with "service restart" (1012), as a deploy does: pages reconnect with their
   * last sequence number and miss nothing. Operators use it before maintenance; tests, to prove resumption.
   */
  async closeSockets(reason = "the room is restarting; reconnect"): Promise<{ closed: number }> {
    const sockets = this.ctx.getWebSockets();
    for (const socket of sockets) socket.close(1012, reason);
    return { closed: sockets.length };
  }

  /** Records a TRTC presence callback once by its natural id; a retried callback answers `recorded: false`. */
  async trtcEvent(event: TrtcPresenceEvent, receivedAtMs = Date.now()): Promise<{ recorded: boolean }> {
    const inserted = this.ctx.storage.sql
      .exec(
        "INSERT INTO trtc_events (event_key, event_type, user_id, at_ms, reason, role, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING event_key",
        presenceEventKey(event),
        event.eventType,
        event.userId,
        event.atMs,
        event.reason,
        event.role,
        receivedAtMs,
      )
      .toArray();
    // A promoted member whose TRTC client entered as an anchor (Role 20) has taken the stage.
    if (inserted.length > 0 && event.eventType === 103 && event.role === trtcAnchorRole && this.state?.promoted.some((promotion) => promotion.memberId === event.userId)) {
      if (this.apply({ type: "arriveAsSpeaker", by: event.userId }, receivedAtMs).ok) await this.afterChange(receivedAtMs);
    }
    return { recorded: inserted.length > 0 };
  }

  /** The socket upgrade, forwarded by the Worker after it checked the session: X-Member-Id and X-Tier-Rank say who. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (!this.row() || !this.state) return new Response("no such AMA", { status: 404 });
    const memberId = request.headers.get("X-Member-Id") ?? "";
    const tierRank = Number(request.headers.get("X-Tier-Rank") ?? "0");
    // The host removed this member: they stay out of this AMA.
    if (this.ctx.storage.sql.exec("SELECT 1 AS gone FROM removed_members WHERE member_id = ?", memberId).toArray().length > 0) return new Response("removed from this AMA by its host", { status: 403 });
    const lastSeq = new URL(request.url).searchParams.get("lastSeq");
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair);
    this.ctx.acceptWebSocket(server, [memberId]);
    const member: SocketMember = { memberId, tierRank, ackSeq: 0, ackedAtMs: Date.now() };
    server.serializeAttachment(member);
    const nowMs = Date.now();
    openPresence(this.ctx.storage.sql, memberId, nowMs);
    this.ctx.storage.sql.exec("DELETE FROM pending_leaves WHERE member_id = ?", memberId);
    this.live.catchUp(server, member, lastSeq === null ? null : Number(lastSeq));
    if (this.apply({ type: "arrive", by: memberId }, nowMs).ok) await this.afterChange(nowMs);
    await this.wakeFor(nowMs);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const member = ws.deserializeAttachment() as SocketMember;
    const parsed = parseClientFrame(typeof message === "string" ? message : new TextDecoder().decode(message));
    if (!parsed.ok) return this.live.send(ws, { type: "error", code: parsed.code, message: parsed.message });
    const frame = parsed.frame;
    const nowMs = Date.now();
    // A socket already caught up at connect (?lastSeq) is not sent the same changes again.
    if (frame.type === "hello") return this.live.catchUp(ws, member, Math.max(frame.lastSeq ?? member.ackSeq, member.ackSeq));
    if (frame.type === "heartbeat") {
      touchPresence(this.ctx.storage.sql, member.memberId, nowMs);
      // The member's attendance so far, at most once a minute per socket (a big room's heartbeats stay cheap).
      const tellAttendance = nowMs - (member.attendanceSentMs ?? 0) >= attendanceFrameEveryMs;
      ws.serializeAttachment({ ...member, ackSeq: frame.lastSeq ?? member.ackSeq, ackedAtMs: nowMs, ...(tellAttendance ? { attendanceSentMs: nowMs } : {}) });
      if (tellAttendance && this.state) {
        const figure = attendanceOf(this.ctx.storage.sql, this.state, member.memberId, nowMs);
        this.live.send(ws, { type: "attendance", attendedMs: figure.attendedMs, thresholdMs: figure.thresholdMs, paid: figure.credit === "paid" });
      }
      return;
    }
    if (frame.type === "visibility") {
      if (frame.hidden) closePresence(this.ctx.storage.sql, member.memberId, nowMs);
      else openPresence(this.ctx.storage.sql, member.memberId, nowMs);
      return;
    }
    const command = commandOf(frame, member);
    if (!command) return;
    const outcome = this.apply(command, nowMs);
    if (!outcome.ok) return this.live.send(ws, { type: "error", code: outcome.code, message: outcome.message });
    await this.afterChange(nowMs);
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  /** The planned end plus grace, promotion timeouts, silent sockets, and attendance credits owed. */
  override async alarm(): Promise<void> {
    const nowMs = Date.now();
    const row = this.row();
    if (!row || !this.state) return;
    for (const memberId of closeStalePresence(this.ctx.storage.sql, nowMs)) this.apply({ type: "leave", by: memberId }, nowMs);
    this.leaveAfterGrace(nowMs);
    this.apply({ type: "expirePromotions", by: row.host_member_id }, nowMs);
    if (this.state.status !== "ended" && nowMs >= row.starts_at_ms + row.planned_ms + endGraceMs && this.apply({ type: "end", by: row.host_member_id }, nowMs).ok) {
      // The AMA list reads the directory: an AMA the room ended itself is no longer listed as live.
      await this.env.DB.prepare("UPDATE amas SET status = 'ended' WHERE id = ?").bind(row.ama_id).run();
    }
    await this.afterChange(nowMs);
    await this.wakeFor(nowMs);
  }

  private async socketGone(ws: WebSocket): Promise<void> {
    const member = ws.deserializeAttachment() as SocketMember | null;
    if (!member) return;
    const nowMs = Date.now();
    // Another tab of the same member keeps them present.
    const others = this.ctx.getWebSockets(member.memberId).filter((socket) => socket !== ws && socket.readyState === WebSocket.OPEN);
    if (others.length > 0) return;
    closePresence(this.ctx.storage.sql, member.memberId, nowMs);
    // Not gone yet: a deploy or a flaky network closes sockets that come straight back. The member
    // keeps their hand or invitation unless they stay away past the grace (their attendance stops now).
    this.ctx.storage.sql.exec("INSERT INTO pending_leaves (member_id, leave_at_ms) VALUES (?, ?) ON CONFLICT (member_id) DO UPDATE SET leave_at_ms = excluded.leave_at_ms", member.memberId, nowMs + leaveGraceMs);
    await this.wakeFor(nowMs);
  }

  /** Members whose grace ran out without a new socket leave the room (their place in the queue with them). */
  private leaveAfterGrace(nowMs: number): void {
    const due = this.ctx.storage.sql.exec<{ member_id: string }>("SELECT member_id FROM pending_leaves WHERE leave_at_ms <= ?", nowMs).toArray();
    for (const { member_id: memberId } of due) {
      this.ctx.storage.sql.exec("DELETE FROM pending_leaves WHERE member_id = ?", memberId);
      if (this.ctx.getWebSockets(memberId).some((socket) => socket.readyState === WebSocket.OPEN)) continue;
      this.apply({ type: "leave", by: memberId }, nowMs);
    }
  }

  /** Decides a command and, if accepted, evolves the state and logs its events, in one synchronous turn. */
  private apply(command: RoomCommand, nowMs: number): { ok: true } | { ok: false; status: number; code: string; message: string } {
    if (!this.state) return { ok: false, status: 404, code: "ama_not_found", message: "No such AMA" };
    const decision = decideRoom(this.state, command, nowMs);
    if (!decision.ok) return decision;
    if (decision.events.length === 0) return { ok: true };
    const next = decision.events.reduce(evolveRoom, this.state);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("UPDATE room SET state = ? WHERE id = 1", JSON.stringify(next));
      this.live.append(decision.events, nowMs);
      if (next.status === "ended" && this.state!.status !== "ended") settleAttendance(this.ctx.storage.sql, next, nowMs);
      owedTrtcCalls(this.ctx.storage.sql, decision.events, nowMs);
      for (const event of decision.events) if (event.type === "member_removed") this.ctx.storage.sql.exec("INSERT OR IGNORE INTO removed_members (member_id, removed_at_ms) VALUES (?, ?)", event.memberId, nowMs);
    });
    this.state = next;
    for (const event of decision.events) if (event.type === "member_removed") for (const socket of this.ctx.getWebSockets(event.memberId)) socket.close(4003, "removed by the host");
    return { ok: true };
  }

  /** After a change: batch it out to every socket, and pay attendance the AMA's end made due. */
  private async afterChange(nowMs: number): Promise<void> {
    this.live.schedule();
    let delivered = true;
    if (hasOwedCredits(this.ctx.storage.sql)) delivered = await creditDueAttendance(this.ctx.storage.sql, this.env.MEMBER, this.row()!, nowMs).catch(() => false);
    if (hasOwedTrtcCalls(this.ctx.storage.sql)) delivered = (await deliverTrtcCalls(this.ctx.storage.sql, this.env, this.row()!.ama_id).catch(() => false)) && delivered;
    if (!delivered) await this.ctx.storage.setAlarm(Date.now() + retryMs);
  }

  /** The alarm wakes for the next promotion timeout, a heartbeat check while sockets are open, and the planned end. */
  private async wakeFor(nowMs: number): Promise<void> {
    const row = this.row();
    if (!row || !this.state) return;
    const candidates = [row.starts_at_ms + row.planned_ms + endGraceMs];
    const promotion = nextPromotionDeadlineMs(this.state);
    if (promotion !== null) candidates.push(promotion);
    if (this.ctx.getWebSockets().length > 0) candidates.push(nowMs + heartbeatStaleMs);
    const leave = this.ctx.storage.sql.exec<{ at: number | null }>("SELECT MIN(leave_at_ms) AS at FROM pending_leaves").one().at;
    if (leave !== null) candidates.push(leave);
    const current = await this.ctx.storage.getAlarm();
    const wanted = Math.max(Math.min(...candidates), nowMs + 1);
    if (current === null || current > wanted) await this.ctx.storage.setAlarm(wanted);
  }

  private row(): RoomRow | undefined {
    return this.ctx.storage.sql.exec<RoomRow>("SELECT * FROM room WHERE id = 1").toArray()[0];
  }
}
