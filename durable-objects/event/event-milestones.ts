import { milestoneSourceId, milestonesDue, milestonesPaidBy, presentMs } from "../../domain/events/milestones";
import type { ProgramConfig } from "../../domain/programs/program-config";
import { socketIntervals } from "../live/socket-presence";
import { memberRpcVersion } from "../member/rpc-types";
import type { EventRow } from "./event-store";

/** Credits delivered per run: the rest wait for the next (alarms stay short). */
const creditBatchMax = 50;

export type MilestoneStatus = { minutes: number; kind: string; status: "not_yet" | "owed" | "paid" | "refused" };

/** The member's present time inside the event's window so far. */
export function presentMsOf(sql: SqlStorage, row: EventRow, memberId: string, nowMs: number): number {
  return presentMs(socketIntervals(sql, memberId, nowMs), { startMs: row.starts_at_ms, endMs: Math.min(row.ends_at_ms, nowMs) });
}

/** The milestones this event's program pays (a program's config is fixed for its event: stored at creation). */
function milestonesOfEvent(row: EventRow) {
  return milestonesPaidBy(JSON.parse(row.program_config) as ProgramConfig);
}

export function milestonesOf(sql: SqlStorage, row: EventRow, memberId: string): MilestoneStatus[] {
  const rows = sql.exec<{ minutes: number; status: MilestoneStatus["status"] }>("SELECT minutes, status FROM milestone_credits WHERE member_id = ?", memberId).toArray();
  return milestonesOfEvent(row).map((milestone) => ({ ...milestone, status: rows.find((row) => row.minutes === milestone.minutes)?.status ?? "not_yet" }));
}

/**
 * Records the milestones the member's present time has reached as owed, once each (the primary key
 * holds it), in the caller's turn. The host hosts and is not paid for attending. Answers how many are new.
 */
export function recordMilestones(sql: SqlStorage, row: EventRow, memberId: string, nowMs: number): number {
  if (memberId === row.host_member_id) return 0;
  const already = new Set(sql.exec<{ minutes: number }>("SELECT minutes FROM milestone_credits WHERE member_id = ?", memberId).toArray().map((r) => r.minutes));
  const due = milestonesDue(presentMsOf(sql, row, memberId, nowMs), already, milestonesOfEvent(row));
  for (const milestone of due) sql.exec("INSERT INTO milestone_credits (member_id, minutes, kind, status, updated_at_ms) VALUES (?, ?, ?, 'owed', ?) ON CONFLICT DO NOTHING", memberId, milestone.minutes, milestone.kind, nowMs);
  return due.length;
}

export function hasOwedMilestones(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 AS owed FROM milestone_credits WHERE status = 'owed' LIMIT 1").toArray().length > 0;
}

/**
 * Pays owed milestones through each member's community credit path (`creditAction`, the one the
 * AMA's `voice_ama` uses): the kind of the milestone, source the event id (+ the milestone), so a
 * redelivery pays once. A refusal (cooldown, unknown kind, the member left) is final and kept with
 * its reason; a failure stays owed for the alarm's retry. Answers whether everything owed was delivered.
 */
export async function creditDueMilestones(sql: SqlStorage, members: Env["MEMBER"], row: EventRow, nowMs: number): Promise<boolean> {
  const owed = sql.exec<{ member_id: string; minutes: number; kind: string }>("SELECT member_id, minutes, kind FROM milestone_credits WHERE status = 'owed' LIMIT ?", creditBatchMax).toArray();
  const program = { id: row.program_id, config: JSON.parse(row.program_config) };
  let delivered = true;
  for (const { member_id: memberId, minutes, kind } of owed) {
    const sourceId = milestoneSourceId(row.event_id, minutes);
    try {
      const reply = await members.getByName(memberId).creditAction({ v: memberRpcVersion, requestHash: `${kind}:${sourceId}`, program, kind, sourceId });
      if (reply.status >= 500) {
        delivered = false;
        continue;
      }
      const status = reply.status < 300 ? "paid" : "refused";
      sql.exec("UPDATE milestone_credits SET status = ?, detail = ?, updated_at_ms = ? WHERE member_id = ? AND minutes = ?", status, JSON.stringify(reply.body), nowMs, memberId, minutes);
    } catch {
      delivered = false;
    }
  }
  return delivered && owed.length < creditBatchMax;
}
