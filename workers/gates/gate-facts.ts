import { and, count, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets } from "../../db/schema";
import { gatesOf } from "../../domain/gates/community-gates";
import { type GateFacts, type GateResult, evaluateGate } from "../../domain/gates/evaluate-gate";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";
import { type ProgramRecord, findProgram } from "../programs/program-directory";

const dayMs = 86_400_000;

/** What the gates check about a member: live facts from the actor, linked wallets from D1, and the member's program. */
export async function gateFactsFor(env: Env, memberId: string): Promise<{ program: ProgramRecord; facts: GateFacts }> {
  const view = await callActor(env.MEMBER, memberId, (member) => member.view());
  if (view.status === 404) throw new ApiError(404, "member_not_found", `No member ${memberId}`);
  const member = view.body;
  const [program, [wallets]] = await Promise.all([
    findProgram(env.DB, member.programId),
    drizzle(env.DB).select({ linked: count() }).from(memberWallets).where(and(eq(memberWallets.programId, member.programId), eq(memberWallets.memberId, memberId))),
  ]);
  const facts = {
    tier: member.tier,
    lifetimePoints: member.points.lifetime,
    walletLinked: (wallets?.linked ?? 0) > 0,
    accountAgeDays: Math.floor((Date.now() - Date.parse(member.enrolledAt)) / dayMs),
    streakDays: member.streak.current,
    settledTokenAmount: member.tokens.settledTokenAmount,
  };
  return { program, facts };
}

/** Every gate of the member's program, evaluated on the member's live facts (actor) and linked wallets (D1). */
export async function accessFor(env: Env, memberId: string): Promise<{ gate: string; result: GateResult }[]> {
  const { program, facts } = await gateFactsFor(env, memberId);
  const ladder = program.config.tiers.map((tier) => tier.code);
  return Object.entries(gatesOf(program.config)).map(([gate, requirement]) => ({ gate, result: evaluateGate(requirement, facts, ladder) }));
}
