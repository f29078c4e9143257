import { spawn } from "node:child_process";

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

const resultMarker = "BOT_FARM_RESULT ";

/**
 * The bot-farm figure (issue 20): `bench/bot-farm.test.ts` inside workerd, where the members' clocks
 * can move through 30 days (a `wrangler dev` has only the wall clock). Its output is read for the
 * one result line; the figure meets its target when the farm earns ≤ 1% of the honest member.
 */
export function botFarm(): Promise<BotFarmResult & { meetsTarget: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn("vitest", ["run", "--project", "bench-farm", "--reporter", "dot"], { env: { ...process.env, BENCH_FARM: "1" }, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = output.split("\n").find((candidate) => candidate.includes(resultMarker));
      if (!line) return reject(new Error(`the bot-farm figure printed no result (vitest exit ${code}):\n${output.slice(-4000)}`));
      const result = JSON.parse(line.slice(line.indexOf(resultMarker) + resultMarker.length)) as BotFarmResult;
      resolve({ ...result, meetsTarget: code === 0 && result.ratio <= result.target });
    });
  });
}

export function printBotFarm(result: BotFarmResult & { meetsTarget: boolean }): void {
  const perHour = (points: number) => `${points.toFixed(4)} points/account-hour`;
  console.log(`\nbot farm: ${result.accounts} accounts (fresh wallets through one referral link, relinked wallets, the farmer) over ${result.days} simulated days`);
  console.log(`  farm: ${result.farmPoints} spendable points, ${perHour(result.farmPerAccountHour)}`);
  console.log(`  honest member (1 AMA, 1 event, 3 chat days a week, the streak daily): ${result.honestPoints} points, ${perHour(result.honestPerAccountHour)}`);
  console.log(`  farm ÷ honest: ${(result.ratio * 100).toFixed(2)} % (target ≤ ${result.target * 100} %)${result.meetsTarget ? "" : "  ✗ MISSES THE TARGET"}`);
}
