import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Contract, Wallet, getAddress, hexlify, randomBytes } from "ethers";
import { rewardTokenAbi } from "../contracts/reward-token-abi";
import { chainProvider } from "./token-chain";
import type { PayoutIntent } from "../domain/token-settlement/payout-intent";
import type { ChainSettler, SettlerStatus } from "../durable-objects/chain-settler/chain-settler";
import type { PayoutLedger, TokenPayoutLedger } from "../durable-objects/chain-settler/member-payouts";

export const settler = () => env.CHAIN_SETTLER.getByName("settler");

/** Runs the settler's alarm until nothing is in flight and nothing is queued (or `runsMax` runs), pausing `gapMs` between runs. */
export async function runSettlerUntilIdle(runsMax = 40, gapMs = 25): Promise<SettlerStatus> {
  const stub = settler();
  for (let run = 0; run < runsMax; run++) {
    const status = await stub.status();
    if (!status.inFlight && status.queued === 0) return status;
    await runDurableObjectAlarm(stub);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return stub.status();
}

/** Reads the settler's own tables (the delivery rows, attempts) as they are stored. */
export function settlerRows<T>(query: string, ...bindings: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(settler(), (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray() as T[]);
}

export { chainProvider };

export function token(signed = false): Contract {
  const provider = chainProvider();
  return new Contract(env.TOKEN_ADDRESS, rewardTokenAbi, signed ? new Wallet(env.SETTLER_PRIVATE_KEY, provider) : provider);
}

/** A fresh holder: random bytes, not `Wallet.createRandom()` (which derives a mnemonic, ~0.1 s in workerd). */
export const freshAddress = () => getAddress(hexlify(randomBytes(20)));

let sequence = 0;
/** A payout intent to a fresh wallet (or the given one). */
export function intentFor(memberId: string, tokenAmount: bigint, address = freshAddress(), programId = "prg_chain"): PayoutIntent {
  sequence++;
  return { v: 1, intentId: `${memberId}:${sequence}`, memberId, programId, address, points: Number(tokenAmount % 1_000_000n) + 1, tokenAmount: tokenAmount.toString(), cutAtMs: 1_800_000_000_000 + sequence };
}

/**
 * Members as the settler sees them through the agreed payout methods: each intent it is given is
 * reserved, a confirmation settles it, a return gives it back. Stands in for the Member actor
 * (engineer A's part) inside the settler.
 */
export class FakeMembers {
  readonly reserved = new Map<string, Map<string, bigint>>();
  readonly settled = new Map<string, bigint>();
  readonly confirmed: string[] = [];
  readonly returned: string[] = [];
  /** Extra settled amount per member, to make a difference appear. */
  readonly skew = new Map<string, bigint>();

  reserve(intent: PayoutIntent): PayoutIntent {
    const member = this.reserved.get(intent.memberId) ?? new Map<string, bigint>();
    member.set(intent.intentId, BigInt(intent.tokenAmount));
    this.reserved.set(intent.memberId, member);
    return intent;
  }

  ledger(memberId: string): PayoutLedger {
    const reserved = () => this.reserved.get(memberId) ?? new Map<string, bigint>();
    return {
      confirmTokenPayout: async (c) => {
        const amount = reserved().get(c.intentId);
        if (amount === undefined) return this.confirmed.includes(c.intentId) ? { ok: true, status: "settled" } : { ok: false, code: "unknown_intent" };
        reserved().delete(c.intentId);
        this.settled.set(memberId, (this.settled.get(memberId) ?? 0n) + amount);
        this.confirmed.push(c.intentId);
        return { ok: true, status: "settled" };
      },
      returnTokenPayout: async (c) => {
        if (!reserved().delete(c.intentId)) return this.returned.includes(c.intentId) ? { ok: true, status: "returned" } : { ok: false, code: "unknown_intent" };
        this.returned.push(c.intentId);
        return { ok: true, status: "returned" };
      },
      tokenPayoutLedger: async (): Promise<TokenPayoutLedger> => {
        const entries = [...reserved()];
        return {
          memberId,
          reservedTokenAmount: entries.reduce((sum, [, amount]) => sum + amount, 0n).toString(),
          settledTokenAmount: ((this.settled.get(memberId) ?? 0n) + (this.skew.get(memberId) ?? 0n)).toString(),
          reserved: entries.map(([intentId, amount]) => ({ intentId, tokenAmount: amount.toString() })),
        };
      },
    };
  }

  /** Puts these members in the settler in place of the Member actors. */
  install(): Promise<void> {
    return runInDurableObject(settler(), (instance: ChainSettler) => {
      instance.payouts = (memberId) => this.ledger(memberId);
    });
  }
}
