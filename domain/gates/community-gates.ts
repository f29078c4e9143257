import type { ProgramConfig } from "../programs/program-config";
import type { GateRequirement } from "./requirement";

export type CommunityActionTiers = {
  scheduleAma: string;
  createLiveEvent: string;
  proposeGovernance: string;
  voteGovernance: string;
};

/** The schema needs at least one child in `all`, so "everyone" is a leaf every member meets. */
const everyone: GateRequirement = { lifetimePointsAtLeast: 0 };

/**
 * The community preset's rules (ARCHITECTURE §4) as named gates: `channel:<name>` for each chat
 * channel, and scheduleAma, createEvent, propose and vote for the tier-gated actions.
 */
export function communityPresetGates(
  channelsByTier: Record<string, string[]>,
  actionTiers: CommunityActionTiers,
  tierLadder: readonly string[],
): Record<string, GateRequirement> {
  const gates: Record<string, GateRequirement> = {};
  // Channels are cumulative up the ladder, so a channel listed at several tiers opens at the lowest.
  // Tiers missing from the ladder come last and keep a tierAtLeast no member meets: unknown means closed.
  const tiersInOrder = [...tierLadder, ...Object.keys(channelsByTier).filter((tier) => !tierLadder.includes(tier))];
  for (const tier of tiersInOrder) {
    for (const channel of channelsByTier[tier] ?? []) {
      const name = `channel:${channel}`;
      if (Object.hasOwn(gates, name)) continue;
      gates[name] = tier === tierLadder[0] ? everyone : { tierAtLeast: tier };
    }
  }
  gates.scheduleAma = { tierAtLeast: actionTiers.scheduleAma };
  gates.createEvent = { tierAtLeast: actionTiers.createLiveEvent };
  gates.propose = { tierAtLeast: actionTiers.proposeGovernance };
  gates.vote = { tierAtLeast: actionTiers.voteGovernance };
  return gates;
}

/**
 * A program's gates: the ones its config names, else those the community rules imply, else none
 * (a venue program gates nothing).
 */
export function gatesOf(config: ProgramConfig): Record<string, GateRequirement> {
  // `community.gates` joins the config schema in another change; read it loosely until then.
  const configured = (config.community as { gates?: Record<string, GateRequirement> } | undefined)?.gates;
  if (configured) return configured;
  if (!config.community) return {};
  const { channelsByTier, actionTiers } = config.community;
  return communityPresetGates(channelsByTier, actionTiers, config.tiers.map((tier) => tier.code));
}
