import { redemptionIdFor } from "../../domain/ids/derived-ids";
import { codeCandidate } from "../../domain/rewards/redemption-code";
import type { RedemptionState } from "../../domain/rewards/stock-units";
import { dayIn } from "../../domain/time/calendar";
import { type RedeemReply, memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { type ReserveCommand, stockRpcVersion } from "../../durable-objects/reward-stock/stock-rpc";
import { type Principal, assertProgramAccess } from "../auth/principal";
import { ApiError } from "../errors/api-error";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { programContext, programVenues } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { findReward, isStocked, rewardRules } from "./reward-catalog";
import { forgetCode, registerCode } from "./redemption-codes";

export type RedeemRequest = { memberId: string; rewardId: string; purchaseCents?: number; venueId?: string };

/**
 * A redemption, for a kiosk, the operator or the member themself. The stock (inventory, per-day cap)
 * is held first in the one place that serialises it, so a sold-out answer costs one actor call; the
 * code is registered; the Member decides; the unit then follows what the Member durably says.
 */
export async function redeemForPrincipal(env: Env, execution: { waitUntil(promise: Promise<unknown>): void }, principal: Principal, request: RedeemRequest, key: string, dryRun: boolean): Promise<RedeemReply> {
  requireMemberId(request.memberId);
  const rewardRow = await findReward(env.DB, request.rewardId);
  if (principal.kind === "member" && principal.programId !== rewardRow.programId) throw new ApiError(404, "reward_not_found", `No reward ${request.rewardId}`);
  assertProgramAccess(principal, rewardRow.programId);
  const [program, venues] = await Promise.all([programContext(env.DB, rewardRow.programId), programVenues(env.DB, rewardRow.programId)]);
  const redemptionId = redemptionIdFor(request.memberId, key);
  const venueId = principal.kind === "venue" ? principal.venueId : request.venueId;
  const redeemingVenue = venueId ? (venues.find((venue) => venue.id === venueId) ?? null) : null;
  if (venueId && !redeemingVenue) throw new ApiError(404, "venue_not_found", `No venue ${venueId} in this program`);
  const reward = rewardRules(rewardRow);

  const stocked = isStocked(reward);
  let holdToken: string | null = null;
  let unitReturned = false;
  if (stocked) {
    const day = dayIn(redeemingVenue?.timezone ?? program.config.timezone, new Date()).date;
    const hold: ReserveCommand = { v: stockRpcVersion, rewardId: reward.id, holdId: redemptionId, memberId: request.memberId, inventory: reward.inventory, perDayCap: reward.perDayCap, day, dryRun };
    const held = await callActor(env.REWARD_STOCK, reward.id, (stock) => stock.reserve(hold));
    if (!held.ok) throw new ApiError(422, held.code, held.message);
    holdToken = held.token;
    unitReturned = !held.live;
  }
  const requester = principal.kind === "venue" ? principal.venueId : principal.kind;
  const hash = requestHash("redeem", requester, request);
  const registration = { programId: program.id, memberId: request.memberId, redemptionId, rewardId: reward.id, idempotencyKey: key };
  const code = dryRun ? codeCandidate(request.memberId, key, 0) : await registerCode(env.DB, registration);
  const reply = await callActor(env.MEMBER, request.memberId, (member) =>
    member.redeem({
      v: memberRpcVersion,
      idempotencyKey: key,
      requestHash: hash,
      dryRun,
      program,
      reward,
      redeemingVenue,
      nonCoalitionVenueIds: venues.filter((venue) => !venue.participatesInCoalition).map((venue) => venue.id),
      purchaseCents: request.purchaseCents ?? null,
      code,
      holdToken,
      unitReturned,
    }),
  );
  if (!dryRun) {
    if (stocked) await followHold(env.REWARD_STOCK, reward.id, redemptionId, reply.redemption);
    if (reply.redemption.state === "absent") execution.waitUntil(forgetCode(env.DB, program.id, code, redemptionId).catch(() => undefined));
  }
  return reply;
}

/**
 * The unit follows the redemption's durable state at once. If this call fails the hold lapses and
 * the stock's alarm asks the Member, so a lost call delays the unit's return, never loses it.
 */
async function followHold(stocks: Env["REWARD_STOCK"], rewardId: string, holdId: string, redemption: { state: RedemptionState; token: string | null }) {
  try {
    await callActor(stocks, rewardId, (stock) => stock.follow({ v: stockRpcVersion, holdId, ...redemption }));
  } catch (error) {
    console.error("stock follow failed; the hold's lapse settles it", error);
  }
}
