import { vitestResults } from "./vitest-result";

export type BotFarmResult = {
  days: number;
  accounts: number;
  farmPoints: number;
  farmPerAccountHour: number;
  honestPoints: number;
  honestPerAccountHour: number;
  ratio: number;
  target: number;
};

/**
 * The bot-farm figure (issue 20): `bench/bot-farm.test.ts` inside workerd, where the members' clocks
 * can move through 30 days (a `wrangler dev` has only the wall clock). The figure meets its target
 * when the farm earns ≤ 1% of the honest member.
 */
export async function botFarm(): Promise<BotFarmResult & { meetsTarget: boolean }> {
  const { results, passed } = await vitestResults(["--project", "bench-farm"], ["BOT_FARM_RESULT"], { BENCH_FARM: "1" });
  const result = results.BOT_FARM_RESULT as BotFarmResult;
  return { ...result, meetsTarget: passed && result.ratio <= result.target };
}

export function printBotFarm(result: BotFarmResult & { meetsTarget: boolean }): void {
  const perHour = (points: number) => `${points.toFixed(4)} points/account-hour`;
  console.log(`\nbot farm: ${result.accounts} accounts (fresh wallets through one referral link, relinked wallets, the farmer) over ${result.days} simulated days`);
  console.log(`  farm: ${result.farmPoints} spendable points, ${perHour(result.farmPerAccountHour)}`);
  console.log(`  honest member (1 AMA, 1 event, 3 chat days a week, the streak daily): ${result.honestPoints} points, ${perHour(result.honestPerAccountHour)}`);
  console.log(`  farm ÷ honest: ${(result.ratio * 100).toFixed(2)} % (target ≤ ${result.target * 100} %)${result.meetsTarget ? "" : "  ✗ MISSES THE TARGET"}`);
}
