import { batchesOf, chatGroupsOf, openGroupIds } from "../../domain/channels/channel-set";
import type { ProgramConfig } from "../../domain/programs/program-config";
import { ApiError } from "../errors/api-error";
import { gateFactsFor } from "../gates/gate-facts";
import { findProgram } from "../programs/program-directory";
import { addGroupMembers, chatApiLimits, deleteGroupMembers, importAccounts } from "../tencent/chat-api";

/**
 * Syncs members' Tencent Chat groups to their current state (issue 22). Chat user ids are member ids,
 * as TRTC's are. Each round:
 *   1. reads every member's state from its actor and computes the groups it opens;
 *   2. records that set in D1 (chat_channel_members) before any call, so a reconciliation running
 *      meanwhile sees a member being added as wanted;
 *   3. removes each member from every configured group it does not open (delete_group_member ≤ 100
 *      per call; Tencent answers OK for a non-member, so removal needs no belief about who is in),
 *      then imports the accounts (≤ 100) and adds them where they belong (add_group_member ≤ 20);
 *   4. reads every member again: one whose groups changed meanwhile goes round again.
 * A sync that ends with the set it applied still current leaves the group right even when an older
 * sync of the same member runs concurrently: whichever finishes last re-reads after its own calls and
 * D1 write, and goes round again if what it applied is no longer the member's.
 */
type MemberState = { memberId: string; tier: string | null; groups: Set<string> };

const roundsMax = 3;

/** Answers the members whose sync failed, each with why; their messages are retried. */
export async function syncMemberChannels(env: Env, programId: string, memberIds: readonly string[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const config = await programConfig(env, programId);
  const groups = [...new Set(Object.values(config ? chatGroupsOf(config) : {}))];
  if (!config || groups.length === 0) return failures;

  let states = await readStates(env, programId, [...new Set(memberIds)], failures);
  for (let round = 1; states.length > 0; round++) {
    if (round > roundsMax) {
      for (const state of states) failures.set(state.memberId, `its channels changed ${roundsMax} times during one sync; retried`);
      break;
    }
    await recordWanted(env, programId, states);
    await applyToGroups(env, groups, states, failures);
    const applied = states.filter((state) => !failures.has(state.memberId));
    const appliedById = new Map(applied.map((state) => [state.memberId, state]));
    const now = await readStates(env, programId, [...appliedById.keys()], failures);
    const changed = now.filter((current) => {
      const before = appliedById.get(current.memberId)!;
      return current.tier !== before.tier || !sameSet(current.groups, before.groups);
    });
    await recordSynced(env, programId, now.filter((current) => !changed.includes(current)));
    states = changed;
  }
  return failures;
}

async function programConfig(env: Env, programId: string): Promise<ProgramConfig | null> {
  try {
    return (await findProgram(env.DB, programId)).config;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** A member that no longer exists (or moved programs) belongs in no group of this program. */
async function readStates(env: Env, programId: string, memberIds: string[], failures: Map<string, string>): Promise<MemberState[]> {
  const read = await Promise.all(
    memberIds.map(async (memberId): Promise<MemberState | null> => {
      try {
        const { program, facts } = await gateFactsFor(env, memberId);
        if (program.id !== programId) return { memberId, tier: null, groups: new Set() };
        return { memberId, tier: facts.tier, groups: openGroupIds(program.config, facts) };
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return { memberId, tier: null, groups: new Set() };
        failures.set(memberId, `reading the member failed: ${String(error)}`);
        return null;
      }
    }),
  );
  return read.filter((state): state is MemberState => state !== null);
}

async function applyToGroups(env: Env, groups: string[], states: MemberState[], failures: Map<string, string>): Promise<void> {
  const fail = (memberIds: readonly string[], why: string) => {
    for (const memberId of memberIds) if (!failures.has(memberId)) failures.set(memberId, why);
  };
  // Removal first: a demotion takes effect even when adding elsewhere fails.
  for (const groupId of groups) {
    const leaving = states.filter((state) => !state.groups.has(groupId)).map((state) => state.memberId);
    for (const batch of batchesOf(leaving, chatApiLimits.deleteMembersMax)) {
      await deleteGroupMembers(env, groupId, batch).catch((error) => fail(batch, String(error)));
    }
  }
  const joining = states.filter((state) => state.groups.size > 0 && !failures.has(state.memberId)).map((state) => state.memberId);
  for (const batch of batchesOf(joining, chatApiLimits.importAccountsMax)) {
    await importAccounts(env, batch).then(
      (result) => fail(result.failed, "account_import refused the account"),
      (error) => fail(batch, String(error)),
    );
  }
  for (const groupId of groups) {
    const adding = states.filter((state) => state.groups.has(groupId) && !failures.has(state.memberId)).map((state) => state.memberId);
    for (const batch of batchesOf(adding, chatApiLimits.addMembersMax)) {
      await addGroupMembers(env, groupId, batch).then(
        (result) => fail(result.failed, `add_group_member refused the member in ${groupId}`),
        (error) => fail(batch, String(error)),
      );
    }
  }
}

/** D1 binds at most 100 parameters a statement, so each member's groups go in as one JSON array. */
async function recordWanted(env: Env, programId: string, states: MemberState[]): Promise<void> {
  if (states.length === 0) return;
  const statements = states.flatMap((state) => [
    env.DB.prepare("DELETE FROM chat_channel_members WHERE program_id = ? AND member_id = ?").bind(programId, state.memberId),
    env.DB.prepare("INSERT OR IGNORE INTO chat_channel_members (program_id, group_id, member_id) SELECT ?, value, ? FROM json_each(?)").bind(programId, state.memberId, JSON.stringify([...state.groups])),
  ]);
  await env.DB.batch(statements);
}

async function recordSynced(env: Env, programId: string, states: MemberState[]): Promise<void> {
  const statements = states.map((state) =>
    state.tier === null
      ? env.DB.prepare("DELETE FROM chat_member_syncs WHERE member_id = ?").bind(state.memberId)
      : env.DB.prepare(
          "INSERT INTO chat_member_syncs (member_id, program_id, tier, synced_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET program_id = excluded.program_id, tier = excluded.tier, synced_at_ms = excluded.synced_at_ms",
        ).bind(state.memberId, programId, state.tier, Date.now()),
  );
  if (statements.length > 0) await env.DB.batch(statements);
}

function sameSet(left: Set<string>, right: Set<string>): boolean {
  return left.size === right.size && [...left].every((value) => right.has(value));
}
