import { batchesOf, chatGroupsOf } from "../../domain/channels/channel-set";
import type { ProgramConfig } from "../../domain/programs/program-config";
import { chatApiLimits, deleteGroupMembers, groupMembersPage } from "../tencent/chat-api";
import { type ChatSyncMessage, enqueueChatSync } from "./sync-messages";

/**
 * The hourly repair of Tencent Chat groups (issue 22). The cron enqueues one `reconcile_group` per
 * configured group, a member sync for each member whose projected tier is not the tier its channels
 * were last synced at (a lost or dead-lettered event), and the announcements still pending.
 *
 * A group's reconciliation reads its real members first and who belongs in it (D1) second: a sync
 * records a member as wanted before adding them, so a member being added is never taken for a stranger.
 * Strangers (someone added behind the engine's back, or a sync's leftover) are removed at once, in
 * batches of ≤ 100; members missing from the group are not added blindly but re-synced from their
 * actor, so a member demoted meanwhile is not put back.
 */
export type ReconcileReport = { programId: string; groupId: string; realMembers: number; removed: string[]; resynced: string[] };

/** Bounds on one run: a group of up to 100,000 members, 1,000 drifted members and 100 announcements an hour. */
const groupPagesMax = 1_000;
const driftedMembersMax = 1_000;
const pendingAnnouncementsMax = 100;
const programsMax = 1_000;

export async function reconcileGroup(env: Env, programId: string, groupId: string): Promise<ReconcileReport> {
  const real = new Set<string>();
  for (let page = 0, offset = 0; page < groupPagesMax; page++) {
    const { total, members } = await groupMembersPage(env, groupId, offset);
    // The group's owner and admins (the app admin among them) are Tencent's, not the engine's.
    for (const member of members) if (member.role === "Member" && member.userId !== env.CHAT_ADMIN_USER) real.add(member.userId);
    offset += members.length;
    if (members.length === 0 || offset >= total) break;
  }
  const wanted = await env.DB.prepare("SELECT member_id FROM chat_channel_members WHERE program_id = ? AND group_id = ?").bind(programId, groupId).all<{ member_id: string }>();
  const wantedIds = new Set(wanted.results.map((row) => row.member_id));
  const removed = [...real].filter((memberId) => !wantedIds.has(memberId)).sort();
  const resynced = [...wantedIds].filter((memberId) => !real.has(memberId)).sort();
  for (const batch of batchesOf(removed, chatApiLimits.deleteMembersMax)) await deleteGroupMembers(env, groupId, batch);
  await enqueueChatSync(env, resynced.map((memberId) => ({ v: 1, type: "member", programId, memberId })));
  const report = { programId, groupId, realMembers: real.size, removed, resynced };
  if (removed.length > 0 || resynced.length > 0) console.warn(`chat reconciliation of ${groupId} (${programId}): removed ${removed.length} strangers, re-synced ${resynced.length} missing members`, report);
  return report;
}

/** The cron's part: what to reconcile this hour, put on the chat-sync queue (each retried on its own). */
export async function scheduleChatReconciliation(env: Env, nowMs: number): Promise<{ groups: number; driftedMembers: number; announcements: number }> {
  const programs = await env.DB.prepare("SELECT id, config FROM programs LIMIT ?").bind(programsMax).all<{ id: string; config: string }>();
  const messages: ChatSyncMessage[] = [];
  const programIds: string[] = [];
  for (const program of programs.results) {
    const groups = new Set(Object.values(chatGroupsOf(JSON.parse(program.config) as ProgramConfig)));
    if (groups.size === 0) continue;
    programIds.push(program.id);
    for (const groupId of groups) messages.push({ v: 1, type: "reconcile_group", programId: program.id, groupId });
  }
  const groups = messages.length;
  const drifted = await env.DB.prepare(
    `SELECT b.member_id, b.program_id FROM member_balances b LEFT JOIN chat_member_syncs s ON s.member_id = b.member_id
     WHERE b.program_id IN (SELECT value FROM json_each(?)) AND (s.member_id IS NULL OR s.tier <> b.tier) LIMIT ?`,
  )
    .bind(JSON.stringify(programIds), driftedMembersMax)
    .all<{ member_id: string; program_id: string }>();
  for (const row of drifted.results) messages.push({ v: 1, type: "member", programId: row.program_id, memberId: row.member_id });
  const pending = await env.DB.prepare("SELECT DISTINCT announcement_id FROM chat_announcement_deliveries WHERE status = 'pending' AND claimed_until_ms < ? LIMIT ?")
    .bind(nowMs, pendingAnnouncementsMax)
    .all<{ announcement_id: string }>();
  for (const row of pending.results) messages.push({ v: 1, type: "announcement", announcementId: row.announcement_id });
  await enqueueChatSync(env, messages);
  return { groups, driftedMembers: drifted.results.length, announcements: pending.results.length };
}
