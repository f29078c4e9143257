/**
 * A reference model of the points ledger and the reward stock, in plain TypeScript, for the
 * model-based test of the purchase and redemption flows (workers/routes/ledger-model.test.ts).
 * It holds only totals per member, never lots: the product must agree with it on every answer.
 * Setup: one venue, one tier (×1), no expiry, 1 point per $1, +100 on a member's first purchase
 * there, three members with opening points, two stocked rewards and one unstocked.
 */

export const firstVisitBonus = 100;

export type RewardSpec = { pointsCost: number; inventory: number | null };

/** Two stocked rewards (1 and 2 units) and one unstocked. */
export const rewardSpecs: readonly RewardSpec[] = [
  { pointsCost: 100, inventory: 1 },
  { pointsCost: 150, inventory: 2 },
  { pointsCost: 50, inventory: null },
];

export type ModelMember = { available: number; pending: number; debt: number; visited: boolean };
export type ModelPurchase = { key: string; member: number; amountCents: number; points: number; refundedCents: number; reversedPoints: number; posted: boolean };
export type RedemptionStatus = "issued" | "consumed" | "cancelled";
export type ModelRedemption = { key: string; member: number; reward: number; points: number; status: RedemptionStatus };
/** `claimed`: units issued or consumed. */
export type ModelReward = RewardSpec & { claimed: number };

export type LedgerRequest =
  | { op: "purchase"; member: number; amountCents: number; occurredAt: string }
  | { op: "refund"; purchase: number; amountCents: number }
  | { op: "redeem"; member: number; reward: number; purchaseCents: number | null };

/** What the model says an answer is: status, error code, replay header and the numbers of its body. */
export type Expected = { status: number; code: string | null; replayed: boolean; numbers: Readonly<Record<string, number>> };

export type Sent = { key: string; request: LedgerRequest };
type Binding = { hash: string; answer: Expected };

export type LedgerModel = {
  members: ModelMember[];
  purchases: ModelPurchase[];
  redemptions: ModelRedemption[];
  rewards: ModelReward[];
  /** Keys that name a request, by member and key: the request's hash and its first answer. */
  bindings: Map<string, Binding>;
  /** Keys whose request crashed and whose stock hold then lapsed, with the reward held. */
  lapsed: Map<string, number>;
  /** (member, key, reward) the reward's stock holds a unit record for: it answers those without a stock check. */
  stockRows: Set<string>;
  /** Every keyed request sent, in order (for replays and key reuse). */
  sent: Sent[];
};

/** Points each member is granted at enrollment (an adjustment), so redemptions can succeed early in a sequence. */
export const openingGrants: readonly number[] = [0, 100, 50];
/** Member 0 also starts with a posted purchase: 150 points that a refund can claw back after they are spent. */
export const openingPurchase = { member: 0, amountCents: 5_000 } as const;
export const memberCount = openingGrants.length;

export function initialModel(): LedgerModel {
  return {
    members: openingGrants.map((available) => ({ available, pending: 0, debt: 0, visited: false })),
    purchases: [],
    redemptions: [],
    rewards: rewardSpecs.map((spec) => ({ ...spec, claimed: 0 })),
    bindings: new Map(),
    lapsed: new Map(),
    stockRows: new Set(),
    sent: [],
  };
}

export const cloneModel = (model: LedgerModel): LedgerModel => structuredClone(model);

const answer = (status: number, numbers: Record<string, number> = {}): Expected => ({ status, code: null, replayed: false, numbers });
const rejection = (status: number, code: string): Expected => ({ status, code, replayed: false, numbers: {} });

/** Units left of a reward; null when it is not stocked. */
export function unitsLeft(model: Readonly<LedgerModel>, reward: number): number | null {
  const { inventory, claimed } = model.rewards[reward];
  return inventory === null ? null : inventory - claimed;
}

/** The member whose key space a request uses: a refund's is its purchase's member. */
export function scopeOf(model: Readonly<LedgerModel>, request: LedgerRequest): number {
  return request.op === "refund" ? model.purchases[request.purchase].member : request.member;
}

export const scopedKey = (member: number, key: string) => `${member}\u0000${key}`;

function requestHash(model: Readonly<LedgerModel>, request: LedgerRequest): string {
  if (request.op === "purchase") return `purchase|${request.amountCents}|${request.occurredAt}`;
  if (request.op === "refund") return `refund|${model.purchases[request.purchase].key}|${request.amountCents}`;
  return `redeem|${request.reward}|${request.purchaseCents ?? "-"}`;
}

/**
 * One key names one request per member, across every operation: the same request gets its first
 * answer again, any other request 422 idempotency_key_reused, with no effect. A first answer the
 * member never recorded (the stock's out_of_stock, a crash) binds nothing.
 */
export function send(model: LedgerModel, key: string, request: LedgerRequest): Expected {
  const scope = scopedKey(scopeOf(model, request), key);
  const hash = requestHash(model, request);
  model.sent.push({ key, request });
  // A stocked reward's stock is asked first. A request it has seen (by member, key and reward)
  // claims nothing new and goes on to the member; an unseen one is refused when no unit is left,
  // before the member sees it (whatever the key already names), and otherwise holds a unit.
  if (request.op === "redeem" && model.rewards[request.reward].inventory !== null) {
    const row = `${scope}\u0000${request.reward}`;
    if (!model.stockRows.has(row)) {
      if ((unitsLeft(model, request.reward) ?? 1) <= 0) return rejection(422, "out_of_stock");
      model.stockRows.add(row);
    }
  }
  const bound = model.bindings.get(scope);
  if (bound) return bound.hash === hash ? { ...bound.answer, replayed: true } : rejection(422, "idempotency_key_reused");
  const fresh = decide(model, scope, key, request);
  if (fresh.binds) model.bindings.set(scope, { hash, answer: fresh.answer });
  return fresh.answer;
}

function decide(model: LedgerModel, scope: string, key: string, request: LedgerRequest): { answer: Expected; binds: boolean } {
  if (request.op === "purchase") return { answer: recordPurchase(model, key, request.member, request.amountCents), binds: true };
  if (request.op === "refund") return { answer: refund(model, request.purchase, request.amountCents), binds: true };
  if (model.lapsed.get(scope) === request.reward) return { answer: rejection(409, "hold_lapsed"), binds: true };
  return { answer: redeem(model, key, request.member, request.reward), binds: true };
}

function recordPurchase(model: LedgerModel, key: string, member: number, amountCents: number): Expected {
  const buyer = model.members[member];
  const points = Math.floor(amountCents / 100) + (buyer.visited ? 0 : firstVisitBonus);
  buyer.visited = true;
  buyer.pending += points;
  model.purchases.push({ key, member, amountCents, points, refundedCents: 0, reversedPoints: 0, posted: false });
  return answer(201, { pointsPending: points });
}

/** Cumulative and proportional: after refunds totalling R, floor(P × R / A) points are taken in all. */
function refund(model: LedgerModel, index: number, amountCents: number): Expected {
  const purchase = model.purchases[index];
  const member = model.members[purchase.member];
  if (amountCents > purchase.amountCents - purchase.refundedCents) return rejection(422, "refund_exceeds_purchase");
  const taken = (cents: number) => Math.floor((purchase.points * cents) / purchase.amountCents);
  const points = taken(purchase.refundedCents + amountCents) - taken(purchase.refundedCents);
  purchase.refundedCents += amountCents;
  purchase.reversedPoints += points;
  if (!purchase.posted) {
    member.pending -= points;
    return answer(201, { pointsVoided: points, pointsClawedBack: 0, debtAdded: 0, debt: member.debt, balance: member.available });
  }
  const clawed = Math.min(member.available, points);
  member.available -= clawed;
  member.debt += points - clawed;
  return answer(201, { pointsVoided: 0, pointsClawedBack: clawed, debtAdded: points - clawed, debt: member.debt, balance: member.available });
}

function redeem(model: LedgerModel, key: string, member: number, reward: number): Expected {
  const { pointsCost, inventory } = model.rewards[reward];
  const redeemer = model.members[member];
  if (redeemer.available < pointsCost) return rejection(422, "insufficient_points");
  redeemer.available -= pointsCost;
  if (inventory !== null) model.rewards[reward].claimed++;
  model.redemptions.push({ key, member, reward, points: pointsCost, status: "issued" });
  return answer(201, { pointsSpent: pointsCost, balance: redeemer.available });
}

/** The member's clock passes every hold: pending points post, repaying debt first. */
export function postAll(model: LedgerModel, member: number): void {
  const owner = model.members[member];
  for (const purchase of model.purchases) {
    if (purchase.member !== member || purchase.posted) continue;
    const points = purchase.points - purchase.reversedPoints;
    const repaid = Math.min(owner.debt, points);
    owner.debt -= repaid;
    owner.available += points - repaid;
    owner.pending -= points;
    purchase.posted = true;
  }
}

export function consume(model: LedgerModel, index: number): Expected {
  const redemption = model.redemptions[index];
  const balance = model.members[redemption.member].available;
  if (redemption.status === "cancelled") return rejection(409, "redemption_cancelled");
  if (redemption.status === "consumed") return { ...answer(200, { balance }), replayed: true };
  redemption.status = "consumed";
  return answer(200, { balance });
}

/** An unused code's points come back, debt first; its unit returns to stock. */
export function cancel(model: LedgerModel, index: number): Expected {
  const redemption = model.redemptions[index];
  const member = model.members[redemption.member];
  if (redemption.status === "consumed") return rejection(409, "redemption_consumed");
  if (redemption.status === "cancelled") return { ...answer(200, { balance: member.available }), replayed: true };
  redemption.status = "cancelled";
  const repaid = Math.min(member.debt, redemption.points);
  member.debt -= repaid;
  member.available += redemption.points - repaid;
  if (model.rewards[redemption.reward].inventory !== null) model.rewards[redemption.reward].claimed--;
  return answer(200, { balance: member.available });
}

/** A redemption that crashed inside the member: nothing changed, and once its hold lapses its key is refused. */
export function crashAndLapse(model: LedgerModel, key: string, request: LedgerRequest & { op: "redeem" }): void {
  model.sent.push({ key, request });
  model.lapsed.set(scopedKey(request.member, key), request.reward);
}

/** The stock held a unit for this request before its member write crashed: a retry claims nothing new. */
export function heldBeforeCrash(model: LedgerModel, key: string, request: LedgerRequest & { op: "redeem" }): void {
  model.stockRows.add(`${scopedKey(request.member, key)}\u0000${request.reward}`);
}

/** Whether a key already names a request of this member (a replay answers it; any other request is refused). */
export function isBound(model: Readonly<LedgerModel>, key: string, member: number): boolean {
  return model.bindings.has(scopedKey(member, key));
}
