import { and, asc, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewardStockLevels, rewards } from "../../db/schema";
import { dayIn } from "../../domain/time/calendar";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { type Principal, assertMemberAccess } from "../auth/principal";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";
import { programContext, programVenues } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { isStocked, rewardRules } from "./reward-catalog";

/**
 * The catalog with each reward's eligibility for one member and the reason when not, decided by the
 * member's actor exactly as a redemption would. Stock levels come from the read side in one query,
 * not one actor call per reward: the catalog is advice, and a redemption still asks the stock itself.
 */
export async function catalogForMember(env: Env, principal: Principal, memberId: string, options: { venueId?: string; purchaseCents?: number }) {
  requireMemberId(memberId);
  const profile = await callActor(env.MEMBER, memberId, (member) => member.profile());
  if (profile.status === 404) throw new ApiError(404, "member_not_found", `No member ${memberId}`);
  const programId = profile.body.programId;
  assertMemberAccess(principal, programId, memberId);
  const [program, venues, rows] = await Promise.all([
    programContext(env.DB, programId),
    programVenues(env.DB, programId),
    drizzle(env.DB).select().from(rewards).where(and(eq(rewards.programId, programId), eq(rewards.active, true))).orderBy(asc(rewards.createdAt)).limit(200),
  ]);
  const venueId = options.venueId ?? (principal.kind === "venue" ? principal.venueId : undefined);
  const redeemingVenue = venueId ? (venues.find((venue) => venue.id === venueId) ?? null) : null;
  if (venueId && !redeemingVenue) throw new ApiError(404, "venue_not_found", `No venue ${venueId} in this program`);
  const catalog = rows.map(rewardRules);
  const memberSide = await callActor(env.MEMBER, memberId, (member) =>
    member.eligibility({
      v: memberRpcVersion,
      program,
      rewards: catalog,
      redeemingVenue,
      nonCoalitionVenueIds: venues.filter((venue) => !venue.participatesInCoalition).map((venue) => venue.id),
      purchaseCents: options.purchaseCents ?? null,
    }),
  );
  const today = dayIn(redeemingVenue?.timezone ?? program.config.timezone, new Date()).date;
  const stockedIds = catalog.filter(isStocked).map((reward) => reward.id);
  const levels = stockedIds.length === 0 ? [] : await drizzle(env.DB).select().from(rewardStockLevels).where(inArray(rewardStockLevels.rewardId, stockedIds));
  const levelOf = new Map(levels.map((level) => [level.rewardId, level]));
  return catalog.map((reward, index) => {
    const level = levelOf.get(reward.id);
    const remaining = reward.inventory === null ? null : Math.max(0, reward.inventory - (level?.claimed ?? 0));
    const claimedToday = level?.days.find((entry) => entry.day === today)?.claimed ?? 0;
    const stockReason =
      remaining === 0
        ? { code: "out_of_stock", message: "This reward is out of stock" }
        : reward.perDayCap !== null && claimedToday >= reward.perDayCap
          ? { code: "daily_cap_reached", message: `This reward can be redeemed ${reward.perDayCap} time(s) a day` }
          : null;
    const reason = memberSide?.[index].reason ?? stockReason;
    return { reward: { ...reward, createdAt: rows[index].createdAt }, eligible: reason === null, reason, remaining };
  });
}
