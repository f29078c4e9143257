import type { GateResult, UnmetLeaf } from "../../domain/gates/evaluate-gate";
import { TtlCache } from "../cache/ttl-cache";
import { accessFor } from "../gates/gate-facts";
import { callActor } from "../ledger/call-actor";
import type { ChatGroup } from "./chat-groups";

/**
 * Group.CallbackBeforeSendMsg's answer. Tencent reads ErrorCode: 0 sends, 1 refuses (the sender's SDK
 * sees 10016), 2 drops silently (the sender believes it was sent), and a code in [10100, 10200]
 * refuses and hands that code and ErrorInfo to the sender. We refuse only with the last: the sender
 * is told why.
 */
export type PostingDecision = { allowed: true } | { allowed: false; errorCode: number; message: string };

export const postingRefusalCodes = { gateFailed: 10101, removedByHost: 10102, notInProgram: 10103, accessCheckSlow: 10104 } as const;

/**
 * Tencent waits 2 s for this callback and then applies its default. Gate results are cached per
 * isolate for this long, so most answers need no call at all; a tier change reaches posting within
 * it (and the channel sync removes a demoted member from the Work group itself).
 */
export const accessCacheTtlMs = 15_000;
const accessCache = new TtlCache<Record<string, GateResult>>(accessCacheTtlMs, 10_000);
/** A decision not made by then is a refusal the sender can retry, well inside Tencent's 2 s. */
export const postingDecisionBudgetMs = 1_500;

/** May this member post in this group now? From cached gate results, or the AMA room's removals; never slower than the budget. */
export async function mayPost(env: Env, memberId: string, group: ChatGroup): Promise<PostingDecision> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<PostingDecision>((resolve) => {
    timer = setTimeout(() => resolve({ allowed: false, errorCode: postingRefusalCodes.accessCheckSlow, message: "We could not check your access in time; send it again" }), postingDecisionBudgetMs);
  });
  try {
    return await Promise.race([decide(env, memberId, group), slow]);
  } finally {
    clearTimeout(timer);
  }
}

async function decide(env: Env, memberId: string, group: ChatGroup): Promise<PostingDecision> {
  if (group.kind === "ama") {
    if (!group.sameProgram) return { allowed: false, errorCode: postingRefusalCodes.notInProgram, message: "This AMA belongs to another community" };
    const room = await callActor(env.ROOM, group.amaId, (stub) => stub.mayChat(memberId));
    if (room.allowed || room.code === "ama_not_found") return { allowed: true };
    return { allowed: false, errorCode: postingRefusalCodes.removedByHost, message: "The host removed you from this AMA, so you cannot post in its chat" };
  }
  const result = (await gateResults(env, memberId))[group.gate];
  // A gate the program no longer has opens to nobody (as requireGate says).
  if (!result) return { allowed: false, errorCode: postingRefusalCodes.gateFailed, message: `This channel's gate "${group.gate}" is not in your program` };
  if (result.pass) return { allowed: true };
  return { allowed: false, errorCode: postingRefusalCodes.gateFailed, message: `Not yet: ${result.unmet.map(describeLeaf).join("; ")}` };
}

async function gateResults(env: Env, memberId: string): Promise<Record<string, GateResult>> {
  const cached = accessCache.get(memberId);
  if (cached) return cached;
  const results = Object.fromEntries((await accessFor(env, memberId)).map(({ gate, result }) => [gate, result]));
  accessCache.set(memberId, results);
  return results;
}

const leafWords: Record<UnmetLeaf["leaf"], string> = {
  tierAtLeast: "this channel opens at tier",
  lifetimePointsAtLeast: "lifetime points of at least",
  walletLinked: "a linked wallet",
  accountAgeDaysAtLeast: "an account at least this many days old:",
  streakDaysAtLeast: "a daily streak of at least",
  tokenBalanceAtLeast: "settled tokens of at least",
};

/** One unmet leaf in words for the sender, e.g. "this channel opens at tier GOLD (you are SILVER)". */
function describeLeaf(leaf: UnmetLeaf): string {
  const current = leaf.leaf === "tierAtLeast" ? `you are ${leaf.current}` : `you have ${leaf.current}`;
  if (leaf.leaf === "walletLinked") return leaf.negated ? "no linked wallet" : "link a wallet first";
  return `${leaf.negated ? "not " : ""}${leafWords[leaf.leaf]} ${leaf.required} (${current})`;
}
