import { DurableObject } from "cloudflare:workers";
import { type EventCommand, type EventState, type EventWindow, decideEvent, eventView, evolveEvent, publicChanges } from "../../domain/events/event-state";
import { type EventChange, type EventClientFrame, type EventServerFrame, parseEventClientFrame } from "../../domain/events/frames";
import { initialPollsState } from "../../domain/events/polls";
import { initialQuestionsState } from "../../domain/events/questions";
import { type RegistrationStatus, initialRegistrationState, registrationCounts, registrationStatusOf } from "../../domain/events/registration";
import { LiveBroadcaster, type LiveSocketAttachment } from "../live/live-broadcaster";
import { closePresence, closeStalePresence, heartbeatStaleMs, openPresence, touchPresence } from "../live/socket-presence";
import type { ProgramContext } from "../member/rpc-types";
import { creditDueMilestones, hasOwedMilestones, milestonesOf, presentMsOf, recordMilestones } from "./event-milestones";
import { applyEventSchema } from "./event-schema";
import { type EventRow, cancellationsOf, currentChoices, hasUpvoted, loadEventState, memberMarks, noticesFor, writeEvent as writeEventRow } from "./event-store";

/** A socket hears its member's present time at most this often (on a heartbeat). */
export const attendanceFrameEveryMs = 60_000;
const retryMs = 5_000;

/** Who a socket is: the Worker checked the session and the registration before the upgrade (the attachment, small). */
type SocketMember = LiveSocketAttachment & { memberId: string; tierRank: number; attendanceSentMs?: number };

export type CreateEventCommand = {
  eventId: string;
  program: ProgramContext;
  hostMemberId: string;
  startsAtMs: number;
  endsAtMs: number;
  capacity: number;
  overflowSeats: number;
  overflowTierRank: number;
  minTierRank: number;
  hasAudio: boolean;
};

export type EventOutcome<T> = ({ ok: true } & T) | { ok: false; status: 403 | 404 | 409 | 422 | 429; code: string; message: string };
export type RegistrationAnswer = { registration: RegistrationStatus; counts: ReturnType<typeof registrationCounts> };

/**
 * One object per live event (its name is the event id). The single writer of the event's seats,
 * questions, votes and polls, so every count is exact under concurrency. State lives in memory and
 * is written to SQLite in the same synchronous turn as every change; a woken object rebuilds it
 * from its rows. Sockets use the shared live layer (durable-objects/live/).
 */
export class Event extends DurableObject<Env> {
  private state: EventState | null = null;
  private row: EventRow | null = null;
  readonly live: LiveBroadcaster<EventChange, EventServerFrame>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.live = new LiveBroadcaster<EventChange, EventServerFrame>(ctx, { head: "event", log: "event_changes" }, () => ({ type: "snapshot", seq: this.live.seq(), state: eventView(this.state!, this.window(), Date.now()) }));
    ctx.blockConcurrencyWhile(async () => {
      applyEventSchema(ctx.storage.sql);
      this.row = this.readRow();
      this.state = this.row ? loadEventState(ctx.storage.sql, this.row) : null;
    });
  }

  /** Sets the event up; a repeat (a retried create) changes nothing. */
  async create(command: CreateEventCommand): Promise<{ eventId: string }> {
    if (this.row) return { eventId: this.row.event_id };
    const registration = initialRegistrationState({ capacity: command.capacity, overflowSeats: command.overflowSeats, overflowTierRank: command.overflowTierRank, minTierRank: command.minTierRank, hostId: command.hostMemberId });
    this.ctx.storage.sql.exec(
      "INSERT INTO event (id, event_id, program_id, program_config, host_member_id, starts_at_ms, ends_at_ms, capacity, overflow_seats, overflow_tier_rank, min_tier_rank, has_audio) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      command.eventId,
      command.program.id,
      JSON.stringify(command.program.config),
      command.hostMemberId,
      command.startsAtMs,
      command.endsAtMs,
      command.capacity,
      command.overflowSeats,
      command.overflowTierRank,
      command.minTierRank,
      command.hasAudio ? 1 : 0,
    );
    this.row = this.readRow();
    this.state = { registration, questions: initialQuestionsState(command.hostMemberId), polls: initialPollsState(command.hostMemberId) };
    return { eventId: command.eventId };
  }

  /** The event as a page sees it, with the member's own registration, attendance and notices. */
  async summary(memberId: string | null, nowMs = Date.now()) {
    if (!this.row || !this.state) return null;
    const sql = this.ctx.storage.sql;
    return {
      seq: this.live.seq(),
      view: eventView(this.state, this.window(), nowMs),
      mine: memberId === null ? null : {
        registration: memberId === this.row.host_member_id ? { status: "host" as const } : registrationStatusOf(this.state.registration, memberId),
        presentMs: presentMsOf(sql, this.row, memberId, nowMs),
        milestones: milestonesOf(sql, this.row, memberId),
        notices: noticesFor(sql, memberId),
      },
    };
  }

  async counts() {
    return this.state ? registrationCounts(this.state.registration) : null;
  }

  async register(memberId: string, tierRank: number, nowMs = Date.now()): Promise<EventOutcome<RegistrationAnswer>> {
    return this.registrationCommand({ type: "register", memberId, tierRank, cancellations: cancellationsOf(this.ctx.storage.sql, memberId) }, nowMs);
  }

  /** A cancelled member's sockets close (4003): without a seat they no longer attend, ask or vote, nor count toward milestones. */
  async cancel(memberId: string, nowMs = Date.now()): Promise<EventOutcome<RegistrationAnswer>> {
    const outcome = this.registrationCommand({ type: "cancel", memberId }, nowMs);
    if (outcome.ok && memberId !== this.row?.host_member_id) {
      closePresence(this.ctx.storage.sql, memberId, nowMs);
      for (const socket of this.ctx.getWebSockets(memberId)) socket.close(4003, "registration cancelled");
    }
    return outcome;
  }

  /** Whether the member may enter the event (registered, or its host): the join route and the socket ask. */
  async mayJoin(memberId: string): Promise<boolean> {
    if (!this.row || !this.state) return false;
    return memberId === this.row.host_member_id || registrationStatusOf(this.state.registration, memberId).status === "registered";
  }

  /** Closes every socket with 1012, as a deploy does: pages reconnect and resume from their last sequence number. */
  async closeSockets(reason = "the event is restarting; reconnect"): Promise<{ closed: number }> {
    const sockets = this.ctx.getWebSockets();
    for (const socket of sockets) socket.close(1012, reason);
    return { closed: sockets.length };
  }

  /** The socket upgrade, forwarded by the Worker after it checked the session: X-Member-Id and X-Tier-Rank say who. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (!this.row || !this.state) return new Response("no such event", { status: 404 });
    const memberId = request.headers.get("X-Member-Id") ?? "";
    if (!(await this.mayJoin(memberId))) return new Response("register for this event to enter it", { status: 403 });
    const tierRank = Number(request.headers.get("X-Tier-Rank") ?? "0");
    const lastSeq = new URL(request.url).searchParams.get("lastSeq");
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [memberId]);
    const nowMs = Date.now();
    const member: SocketMember = { memberId, tierRank, ackSeq: 0, ackedAtMs: nowMs };
    server.serializeAttachment(member);
    openPresence(this.ctx.storage.sql, memberId, nowMs);
    this.live.catchUp(server, member, lastSeq === null ? null : Number(lastSeq));
    this.live.send(server, { type: "mine", ...memberMarks(this.ctx.storage.sql, memberId) });
    await this.wakeFor(nowMs);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const member = ws.deserializeAttachment() as SocketMember;
    const parsed = parseEventClientFrame(message);
    if (!parsed.ok) return this.live.send(ws, { type: "error", code: parsed.code, message: parsed.message });
    const frame = parsed.frame;
    const nowMs = Date.now();
    const sql = this.ctx.storage.sql;
    switch (frame.type) {
      case "hello":
        return this.live.catchUp(ws, member, Math.max(frame.lastSeq ?? member.ackSeq, member.ackSeq));
      case "visibility":
        if (frame.hidden) closePresence(sql, member.memberId, nowMs);
        else openPresence(sql, member.memberId, nowMs);
        return;
      case "heartbeat":
        return this.heartbeat(ws, member, frame.lastSeq, nowMs);
    }
    const outcome = this.apply(this.commandOf(frame, member), nowMs);
    if (!outcome.ok) return this.live.send(ws, { type: "error", code: outcome.code, message: outcome.message });
    if (frame.type === "upvote" || frame.type === "vote") this.live.send(ws, { type: "mine", ...memberMarks(sql, member.memberId) });
    this.live.schedule();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.socketGone(ws);
  }

  /** Silent sockets' presence closes, milestones owed are retried, and a heartbeat check while sockets are open. */
  override async alarm(): Promise<void> {
    const nowMs = Date.now();
    if (!this.row) return;
    closeStalePresence(this.ctx.storage.sql, nowMs);
    await this.deliverMilestones(nowMs);
    await this.wakeFor(nowMs);
  }

  /** Presence, milestones reached (owed in this turn, then delivered), and the member's attendance once a minute. */
  private async heartbeat(ws: WebSocket, member: SocketMember, lastSeq: number | undefined, nowMs: number): Promise<void> {
    const sql = this.ctx.storage.sql;
    const row = this.row!;
    touchPresence(sql, member.memberId, nowMs);
    const reached = this.ctx.storage.transactionSync(() => recordMilestones(sql, row, member.memberId, nowMs));
    const tell = reached > 0 || nowMs - (member.attendanceSentMs ?? 0) >= attendanceFrameEveryMs;
    ws.serializeAttachment({ ...member, ackSeq: lastSeq ?? member.ackSeq, ackedAtMs: nowMs, ...(tell ? { attendanceSentMs: nowMs } : {}) });
    if (reached > 0) await this.deliverMilestones(nowMs);
    if (tell) this.live.send(ws, { type: "attendance", presentMs: presentMsOf(sql, row, member.memberId, nowMs), milestones: milestonesOf(sql, row, member.memberId) });
  }

  private async deliverMilestones(nowMs: number): Promise<void> {
    if (!hasOwedMilestones(this.ctx.storage.sql)) return;
    const delivered = await creditDueMilestones(this.ctx.storage.sql, this.env.MEMBER, this.row!, nowMs).catch(() => false);
    if (!delivered) await this.ctx.storage.setAlarm(Date.now() + retryMs);
  }

  private registrationCommand(command: EventCommand, nowMs: number): EventOutcome<RegistrationAnswer> {
    const outcome = this.apply(command, nowMs);
    if (!outcome.ok) return outcome;
    this.live.schedule();
    const memberId = command.type === "register" || command.type === "cancel" ? command.memberId : "";
    return { ok: true, registration: registrationStatusOf(this.state!.registration, memberId), counts: registrationCounts(this.state!.registration) };
  }

  /** A client frame as the event's rules take it, with the facts the rules need loaded from storage. */
  private commandOf(frame: Exclude<EventClientFrame, { type: "hello" | "heartbeat" | "visibility" }>, member: SocketMember): EventCommand {
    const by = member.memberId;
    switch (frame.type) {
      case "ask":
        return { type: "ask", by, tierRank: member.tierRank, text: frame.text };
      case "upvote":
        return { type: "upvote", by, questionId: frame.questionId, alreadyVoted: hasUpvoted(this.ctx.storage.sql, frame.questionId, by) };
      case "answer":
      case "hide":
        return { type: frame.type, by, questionId: frame.questionId };
      case "open_poll":
        return { type: "open_poll", by, question: frame.question, options: frame.options, multiple: frame.multiple };
      case "close_poll":
        return { type: "close_poll", by, pollId: frame.pollId };
      case "vote":
        return { type: "vote", by, pollId: frame.pollId, choices: frame.choices, previous: currentChoices(this.ctx.storage.sql, frame.pollId, by) };
    }
  }

  /** Decides a command and, if accepted, evolves memory and writes its rows and its public changes, in one synchronous turn. */
  private apply(command: EventCommand, nowMs: number): EventOutcome<object> {
    if (!this.state || !this.row) return { ok: false, status: 404, code: "event_not_found", message: "No such event" };
    const decision = decideEvent(this.state, this.window(), command, nowMs);
    if (!decision.ok) return decision;
    if (decision.events.length === 0) return { ok: true };
    const states = decision.events.reduce<EventState[]>((list, event) => [...list, evolveEvent(list[list.length - 1], event)], [this.state]);
    const next = states[states.length - 1];
    this.ctx.storage.transactionSync(() => {
      decision.events.forEach((event, index) => writeEventRow(this.ctx.storage.sql, event, states[index + 1]));
      this.live.append(publicChanges(decision.events, next), nowMs);
    });
    this.state = next;
    return { ok: true };
  }

  private socketGone(ws: WebSocket): void {
    const member = ws.deserializeAttachment() as SocketMember | null;
    if (!member) return;
    // Another tab of the same member keeps them present.
    if (this.ctx.getWebSockets(member.memberId).some((socket) => socket !== ws && socket.readyState === WebSocket.OPEN)) return;
    closePresence(this.ctx.storage.sql, member.memberId, Date.now());
  }

  /** While sockets are open the alarm checks for silent ones (their presence stops at their last heartbeat). */
  private async wakeFor(nowMs: number): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    const current = await this.ctx.storage.getAlarm();
    const wanted = nowMs + heartbeatStaleMs;
    if (current === null || current > wanted) await this.ctx.storage.setAlarm(wanted);
  }

  private window(): EventWindow {
    return { startsAtMs: this.row!.starts_at_ms, endsAtMs: this.row!.ends_at_ms };
  }

  private readRow(): EventRow | null {
    return this.ctx.storage.sql.exec<EventRow>("SELECT * FROM event WHERE id = 1").toArray()[0] ?? null;
  }
}
