import { env } from "cloudflare:workers";
import { Wallet, hexlify, randomBytes } from "ethers";
import { expect, it } from "vitest";
import { type ProgramContext, memberRpcVersion } from "../durable-objects/member/rpc-types";
import { call, createProgram } from "../test/api";
import { newKey } from "../test/ledger";
import { integerSetting } from "../test/ledger-model-real";
import { appOrigin, fromNewClient, signInWithWallet } from "../test/sessions";

// The bot-farm figure of `npm run bench` (issue 20), run inside workerd by `bench/run.ts`
// (`BENCH_ONLY=farm`): a farm of fresh wallets signs in through one account's referral link and,
// over a simulated 30 days, does everything open to it without a human act; an honest member
// attends one AMA, one event and three chat days a week and claims the streak daily. Sign-ins,
// link reuse and wallet unlinking/relinking go through the worker's fetch; the days pass by giving
// the members' actors the time (`wrangler dev` cannot move a clock), through the same actor methods
// the streak and actions routes call.

const farmWallets = integerSetting("BENCH_FARM_WALLETS") ?? 200;
const days = 30;
const dayMs = 86_400_000;
const hourMs = 3_600_000;
const targetRatioMax = 0.01;

type Account = { id: string; wallet: Wallet; cookie: string };

async function signIn(programId: string, wallet: Wallet, referralCode?: string): Promise<Account> {
  return { ...(await signInWithWallet(programId, wallet, referralCode)), wallet };
}

/** A signed message for linking `wallet` to the signed-in member (a fresh nonce for it). */
async function linkMessage(programId: string, wallet: Wallet) {
  const nonce = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId, address: wallet.address }, headers: fromNewClient() });
  const message = nonce.json.message as string;
  return { message, signature: await wallet.signMessage(message) };
}

const freshWallet = () => new Wallet(hexlify(randomBytes(32)));
const available = async (memberId: string) => (await call("GET", `/v1/members/${memberId}`)).json.points.available as number;

it("pays a farm of free wallets under 1% of an honest member's points per account-hour", async () => {
  const program = await createProgram("Bench farm", "community");
  const context: ProgramContext = { id: program.id, config: (await call("GET", `/v1/programs/${program.id}`)).json.config };
  const startMs = Date.now();
  const member = (id: string) => env.MEMBER.getByName(id);

  // The farmer's own account, generously verified by one real AMA: the farm's referral link is its code.
  const farmer = await signIn(program.id, freshWallet());
  await call("POST", `/v1/members/${farmer.id}/actions`, { body: { kind: "voice_ama", sourceId: "farmer-ama" }, headers: { "Idempotency-Key": newKey() } });
  const farmerBefore = await available(farmer.id);
  const code = (await call("GET", `/v1/members/${farmer.id}`)).json.referralCode as string;

  // 200 fresh wallets through the link, each from its own client address.
  const bots: Account[] = [];
  for (let index = 0; index < farmWallets; index++) bots.push(await signIn(program.id, freshWallet(), code));

  for (let day = 0; day < days; day++) {
    const nowMs = startMs + day * dayMs + 9 * hourMs;
    for (const bot of [...bots]) {
      await member(bot.id).claimStreak({ v: memberRpcVersion, requestHash: "claim", program: context, nowMs });
      if (day % 10 === 0) {
        // Link reuse: the same wallet signs in again through the referral link.
        bot.cookie = (await signIn(program.id, bot.wallet, code)).cookie;
      }
      if (day === 15) {
        // Unlink and relink: a fresh wallet is linked and unlinked, then joins through the link itself.
        const extra = freshWallet();
        const headers = { Cookie: bot.cookie, Origin: appOrigin, ...fromNewClient() };
        expect((await call("POST", "/v1/me/wallets", { token: null, body: await linkMessage(program.id, extra), headers })).status).toBe(201);
        expect((await call("DELETE", `/v1/me/wallets/${extra.address}`, { token: null, headers })).status).toBe(204);
        bots.push(await signIn(program.id, extra, code));
      }
    }
  }
  const accounts = bots.length + 1;
  let farmPoints = (await available(farmer.id)) - farmerBefore;
  for (const bot of bots) farmPoints += await available(bot.id);

  // The honest member: one AMA, one event and three chat days a week, and the streak every day.
  const honest = await signIn(program.id, freshWallet());
  for (let day = 0; day < days; day++) {
    const morning = startMs + day * dayMs + 8 * hourMs;
    await member(honest.id).claimStreak({ v: memberRpcVersion, requestHash: "claim", program: context, nowMs: morning });
    const credit = (kind: string) =>
      member(honest.id).creditAction({ v: memberRpcVersion, idempotencyKey: newKey(), requestHash: `${kind}-${day}`, program: context, kind, sourceId: `${kind}-${day}`, occurredAtMs: morning + 10 * hourMs, nowMs: morning + 11 * hourMs });
    if (day % 7 === 1) await credit("voice_ama");
    if (day % 7 === 3) await credit("live_event");
    if ([2, 4, 6].includes(day % 7)) await credit("chat_activity");
  }
  const honestPoints = await available(honest.id);

  const hours = days * 24;
  const farmPerAccountHour = farmPoints / (accounts * hours);
  const honestPerAccountHour = honestPoints / hours;
  const ratio = farmPerAccountHour / honestPerAccountHour;
  console.log(`BOT_FARM_RESULT ${JSON.stringify({ days, accounts, farmPoints, farmPerAccountHour, honestPoints, honestPerAccountHour, ratio, target: targetRatioMax })}`);
  expect(honestPoints).toBeGreaterThan(0);
  expect(ratio).toBeLessThanOrEqual(targetRatioMax);
}, 900_000);
