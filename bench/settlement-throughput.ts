import { vitestResults } from "./vitest-result";

export type SettlementThroughput = {
  rounds: number;
  members: number;
  engineSettlementsPerMinute: number;
  chainSettlementsPerMinute: number;
  ratio: number;
  payoutsPerMinute: number;
  engineMs: number[];
  chainMs: number[];
};

/**
 * Settlements per minute end to end on the local chain (issue 23): `bench/settlement-throughput.test.ts`
 * in the `bench-settlement` workerd project, which starts its own hardhat node with the RewardToken.
 */
export async function settlementThroughput(): Promise<SettlementThroughput> {
  const { results } = await vitestResults(["--project", "bench-settlement"], ["SETTLEMENT_THROUGHPUT"], { BENCH_SETTLEMENT: "1" });
  return results.SETTLEMENT_THROUGHPUT as SettlementThroughput;
}

export function printSettlementThroughput(figure: SettlementThroughput): void {
  const one = (value: number) => value.toFixed(1);
  console.log("\nsettlement end to end on the local chain (HTTP cut → Queue → ChainSettler → final → member confirmed)");
  console.log(
    `  settlements per minute            ${one(figure.engineSettlementsPerMinute)} (${Math.round(figure.payoutsPerMinute).toLocaleString("en-US")} payouts/min, ${figure.members} per settlement), ${figure.ratio.toFixed(2)} of the chain alone (${one(figure.chainSettlementsPerMinute)}/min sent straight from ethers); median of ${figure.rounds} rounds`,
  );
}
