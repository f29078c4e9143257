import { channelVerdicts } from "../../domain/channels/channel-set";
import type { UnmetLeaf } from "../../domain/gates/evaluate-gate";
import { gateName, missingInWords } from "../../web/words/gate-words";
import { gateFactsFor } from "../gates/gate-facts";

export type MyChannel = { gate: string; name: string; groupId: string; open: boolean; reason: string; unmet: UnmetLeaf[] };

/** The member's chat channels (the program's chatGroups), each open or closed with why in words; the API and the /channels page both show this. */
export async function myChannels(env: Env, memberId: string): Promise<{ tier: string; lifetimePoints: number; channels: MyChannel[] }> {
  const { program, facts } = await gateFactsFor(env, memberId);
  const channels = channelVerdicts(program.config, facts).map((verdict) => ({
    gate: verdict.gate,
    name: gateName(verdict.gate),
    groupId: verdict.groupId,
    open: verdict.open,
    reason: verdict.open
      ? `open to you as ${facts.tier}`
      : verdict.gateMissing
        ? "closed: the program defines no gate by this name"
        : verdict.unmet.map((leaf) => missingInWords(leaf, program.config.tiers, facts.lifetimePoints)).join("; "),
    unmet: verdict.unmet,
  }));
  return { tier: facts.tier, lifetimePoints: facts.lifetimePoints, channels };
}
