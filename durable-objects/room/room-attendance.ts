import { attendanceDecision, intervalsFromPresence, voiceAmaThresholdMs } from "../../domain/rooms/attendance";
import type { RoomState } from "../../domain/rooms/speaker-queue";
import { memberRpcVersion } from "../member/rpc-types";
import { socketIntervals } from "../live/socket-presence";
import { hasTrtcEvents, membersSeen, trtcPresence } from "./room-trtc-presence";

export type AttendanceFigure = { attendedMs: number; thresholdMs: number; credit: "not_yet" | "owed" | "paid" | "refused" };
type RoomRow = { ama_id: string; program_id: string; program_config: string };

/** Credits delivered per run: the rest wait for the next (alarms stay short). */
const creditBatchMax = 50;

/**
 * What counts for one member: the TRTC intervals where the member's authenticated socket was also
 * live, inside the AMA's live window. Without any TRTC callback (callbacks off, or no Tencent in
 * dev) the room's socket presence alone counts (README).
 */
function decide(sql: SqlStorage, state: RoomState, memberId: string, nowMs: number) {
  if (state.startedAtMs === null) return { attendedMs: 0, pays: false };
  const liveWindow = { startMs: state.startedAtMs, endMs: state.endedAtMs ?? nowMs };
  const socket = socketIntervals(sql, memberId, nowMs);
  const withTrtc = hasTrtcEvents(sql);
  const trtc = withTrtc ? intervalsFromPresence(trtcPresence(sql, memberId), liveWindow.endMs) : socket;
  return attendanceDecision({ trtc, socket, liveWindow, requireSocket: withTrtc, thresholdMs: voiceAmaThresholdMs });
}

export function attendanceOf(sql: SqlStorage, state: RoomState, memberId: string, nowMs: number): AttendanceFigure {
  const { attendedMs } = decide(sql, state, memberId, nowMs);
  const row = sql.exec<{ status: AttendanceFigure["credit"] }>("SELECT status FROM attendance_credits WHERE member_id = ?", memberId).toArray()[0];
  return { attendedMs, thresholdMs: voiceAmaThresholdMs, credit: row?.status ?? "not_yet" };
}

/**
 * The AMA ended: every member whose attendance reached the threshold is owed `voice_ama`, recorded
 * in the transaction that ended it (the room's durable state drives the members' credits). The
 * host hosts; the host is not paid for attending their own AMA.
 */
export function settleAttendance(sql: SqlStorage, state: RoomState, nowMs: number): void {
  for (const memberId of membersSeen(sql)) {
    if (memberId === state.hostId) continue;
    const decision = decide(sql, state, memberId, nowMs);
    if (decision.pays) sql.exec("INSERT INTO attendance_credits (member_id, attended_ms, status, updated_at_ms) VALUES (?, ?, 'owed', ?) ON CONFLICT DO NOTHING", memberId, decision.attendedMs, nowMs);
  }
}

export function hasOwedCredits(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 AS owed FROM attendance_credits WHERE status = 'owed' LIMIT 1").toArray().length > 0;
}

/**
 * Pays owed attendance through each member's community credit path: kind `voice_ama`, source the
 * AMA id, so a redelivery pays once. A refusal (another AMA credited within the cooldown, the member
 * left the program) is final and kept with its reason; a failure stays owed for the alarm's retry.
 * Answers whether everything owed was delivered.
 */
export async function creditDueAttendance(sql: SqlStorage, members: Env["MEMBER"], room: RoomRow, nowMs: number): Promise<boolean> {
  const owed = sql.exec<{ member_id: string }>("SELECT member_id FROM attendance_credits WHERE status = 'owed' LIMIT ?", creditBatchMax).toArray();
  const program = { id: room.program_id, config: JSON.parse(room.program_config) };
  let delivered = true;
  for (const { member_id: memberId } of owed) {
    try {
      const reply = await members.getByName(memberId).creditAction({ v: memberRpcVersion, requestHash: `voice_ama:${room.ama_id}`, program, kind: "voice_ama", sourceId: room.ama_id });
      if (reply.status >= 500) {
        delivered = false;
        continue;
      }
      const status = reply.status < 300 ? "paid" : "refused";
      sql.exec("UPDATE attendance_credits SET status = ?, detail = ?, updated_at_ms = ? WHERE member_id = ?", status, JSON.stringify(reply.body), nowMs, memberId);
    } catch {
      delivered = false;
    }
  }
  return delivered && owed.length < creditBatchMax;
}
