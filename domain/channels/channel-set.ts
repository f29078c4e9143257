import { gatesOf } from "../gates/community-gates";
import { type GateFacts, type UnmetLeaf, evaluateGate } from "../gates/evaluate-gate";
import type { ProgramConfig } from "../programs/program-config";

/**
 * A member's tier-gated chat channels (issue 22): each entry of the program's `community.chatGroups`
 * (gate name → Tencent Chat group id), open when the member passes that gate. A channel whose gate the
 * program does not define is closed to everyone: an unknown requirement fails closed.
 */
export type ChannelVerdict = { gate: string; groupId: string; open: boolean; unmet: UnmetLeaf[]; gateMissing: boolean };

export function chatGroupsOf(config: ProgramConfig): Record<string, string> {
  // Configs stored before issue 22 have no chatGroups at all.
  return config.community?.chatGroups ?? {};
}

export function channelVerdicts(config: ProgramConfig, facts: GateFacts): ChannelVerdict[] {
  const gates = gatesOf(config);
  const ladder = config.tiers.map((tier) => tier.code);
  return Object.entries(chatGroupsOf(config)).map(([gate, groupId]) => {
    const requirement = gates[gate];
    if (!requirement) return { gate, groupId, open: false, unmet: [], gateMissing: true };
    const result = evaluateGate(requirement, facts, ladder);
    return { gate, groupId, open: result.pass, unmet: result.pass ? [] : result.unmet, gateMissing: false };
  });
}

/** The group ids a member with these facts belongs in. */
export function openGroupIds(config: ProgramConfig, facts: GateFacts): Set<string> {
  return new Set(channelVerdicts(config, facts).filter((verdict) => verdict.open).map((verdict) => verdict.groupId));
}

/** Everything a member below the lowest tier cannot pass but the most favoured such member. */
const favouredFacts = (tier: string): GateFacts => ({ tier, lifetimePoints: Number.MAX_SAFE_INTEGER, walletLinked: true, accountAgeDays: 36_500, streakDays: 36_500, settledTokenAmount: (2n ** 256n - 1n).toString() });

/**
 * The channels an announcement "to minTier and up" reaches: those no member below `minTier` can open,
 * judged on the most favoured member of the tier just below (every other fact at its best). At the
 * lowest tier that is every channel. A tier outside the ladder is the caller's validation error.
 */
export function channelsForTierAndUp(config: ProgramConfig, minTier: string): { gate: string; groupId: string }[] {
  const ladder = config.tiers.map((tier) => tier.code);
  const rank = ladder.indexOf(minTier);
  if (rank === -1) throw new RangeError(`tier ${minTier} is not on the ladder ${ladder.join(", ")}`);
  const verdicts = channelVerdicts(config, favouredFacts(rank === 0 ? "" : ladder[rank - 1]));
  return verdicts.filter((verdict) => !verdict.gateMissing && (rank === 0 || !verdict.open)).map(({ gate, groupId }) => ({ gate, groupId }));
}

/** Splits a list into batches of at most `size` (Tencent's per-call limits). */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a batch holds at least 1 item; got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
