import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Wallet } from "ethers";
import { type ProgramContext, memberRpcVersion } from "../durable-objects/member/rpc-types";
import { call, createProgram } from "./api";
import { testVerificationKind, withTestVerification } from "./community";
import { newKey } from "./ledger";
import { appOrigin, fromNewClient, signInWithWallet } from "./sessions";

/** The settlement tests' setting: grants (operator adjustments) and `quest` credits settle, 1 point = 0.01 token. */
export const testSettlement = {
  kinds: ["quest", "adjustment"],
  tokenUnitsPerPoint: "10000000000000000",
  minPayoutPoints: 100,
  dailyCeilingPoints: 5_000,
  relinkCoolingOffHours: 24,
};

/** A quest: a custom community action worth 300 base points, no cooldown, no weekly feature. */
const questAction = { quest: { points: 300, cooldownMinutes: 0 } };

/**
 * A community member who joined by signing in with a wallet (so that wallet is pinned), in a program
 * that settles `testSettlement` (plus `overrides`), with the member's actor and session at hand.
 */
export async function walletMember(overrides: { settlement?: object; community?: object; [key: string]: unknown } = {}) {
  const { settlement, community, ...rest } = overrides;
  const program = await createProgram("Tokens", "community", withTestVerification({ ...rest, settlement: { ...testSettlement, ...settlement }, community: { actions: questAction, ...community } }));
  const wallet = Wallet.createRandom();
  const { id: memberId, cookie } = await signInWithWallet(program.id, wallet);
  const context: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
  const stub = env.MEMBER.getByName(memberId);
  return { program, wallet, memberId, cookie, context, stub, ...memberTools(memberId, cookie, context) };
}

export function memberTools(memberId: string, cookie: string, context: ProgramContext) {
  const stub = env.MEMBER.getByName(memberId);
  return {
    /** The member's first qualifying action (§7a), worth no points. */
    verify: () => stub.creditAction({ v: memberRpcVersion, requestHash: "verify", program: context, kind: testVerificationKind, sourceId: "verify" }),
    /** A quest credit (settleable), answered with the points it paid. */
    quest: async (sourceId: string) => {
      const reply = await stub.creditAction({ v: memberRpcVersion, requestHash: `quest:${sourceId}`, program: context, kind: "quest", sourceId });
      if (reply.status >= 300) throw new Error(JSON.stringify(reply.body));
      return (reply.body as { points: number }).points;
    },
    /** A payout cut by the actor at `nowMs`. */
    cutAt: (nowMs: number, key = newKey("cut")) => stub.cutTokenPayout({ v: memberRpcVersion, idempotencyKey: key, requestHash: "token_payout", program: context, nowMs }),
    asMember: (method: string, path: string, body?: object, headers: Record<string, string> = {}) => call(method, path, { token: null, body, headers: { Cookie: cookie, Origin: appOrigin, ...fromNewClient(), ...headers } }),
    rows: <T extends Record<string, SqlStorageValue>>(query: string) => runInDurableObject(stub, (_member, state) => state.storage.sql.exec<T>(query).toArray()),
  };
}

/** The view's available points and token figures. */
export async function tokensOf(memberId: string) {
  const view = (await call("GET", `/v1/members/${memberId}`)).json;
  return { available: view.points.available as number, ...(view.tokens as { reservedPoints: number; settledPoints: number; reservedTokenAmount: string; settledTokenAmount: string; payoutWallet: string | null }) };
}

type Spend = { allocations: string };

/**
 * Reserved points are never spent twice: every point a lot gave up is accounted for by exactly one
 * redemption, payout, expiry or debit allocation (cancels and returns make new lots, never refill old ones).
 */
export async function pointsTakenTwice(rows: ReturnType<typeof memberTools>["rows"]): Promise<string[]> {
  const lots = await rows<{ id: number; amount: number; remaining: number }>("SELECT id, amount, remaining FROM lots");
  const spends = [...(await rows<Spend>("SELECT allocations FROM redemptions")), ...(await rows<Spend>("SELECT allocations FROM token_payouts"))];
  const expired = await rows<{ detail: string; delta: number }>("SELECT detail, delta FROM entries WHERE kind = 'expire'");
  const taken = new Map<number, number>();
  for (const spend of spends) for (const allocation of JSON.parse(spend.allocations) as { lotId: number; points: number }[]) taken.set(allocation.lotId, (taken.get(allocation.lotId) ?? 0) + allocation.points);
  for (const entry of expired) {
    const lotId = (JSON.parse(entry.detail) as { lotId: number }).lotId;
    taken.set(lotId, (taken.get(lotId) ?? 0) - entry.delta);
  }
  return lots.filter((lot) => lot.amount - lot.remaining !== (taken.get(lot.id) ?? 0)).map((lot) => `lot ${lot.id}: gave ${lot.amount - lot.remaining}, allocated ${taken.get(lot.id) ?? 0}`);
}
