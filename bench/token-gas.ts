import { vitestResults } from "./vitest-result";

type Marginal = { from1to100: number; from1to500: number; target: number };
type SlotCount = { created: number; rewritten: number };

/** 100 members each earn 10 actions: gas per action, minted once per action (the seed) vs settled in one batch. */
type ActionGas = { actions: number; members: number; perActionMintGas: number; settlementGasPerAction: number; ratio: number; ratioMax: number };

export type TokenGasResult = {
  perRewardedAction: ActionGas;
  freshHolderMarginalGas: Marginal;
  existingHolderMarginalGas: Marginal;
  batchGas: Record<string, number>;
  storageSlotsPerBatch: Record<string, SlotCount>;
  txGasMax: number;
  blockGasLimit: number;
};

/**
 * The reward token's gas figures (issue 23), from receipts on a private hardhat node:
 * `contracts/test/reward-token-gas.test.ts` (the vitest `node` project, whose global setup starts the
 * node) settles batches of 1, 100 and 500 fresh and existing holders and traces the storage slots
 * each batch writes; `contracts/test/per-action-gas.test.ts` compares a settlement with one mint per
 * rewarded action. Their own assertions are the targets.
 */
export async function tokenGas(): Promise<TokenGasResult & { meetsTargets: boolean }> {
  const { results, passed } = await vitestResults(["--project", "node", "contracts/test/reward-token-gas.test.ts", "contracts/test/per-action-gas.test.ts"], ["TOKEN_GAS", "ACTION_GAS"]);
  return { ...(results.TOKEN_GAS as Omit<TokenGasResult, "perRewardedAction">), perRewardedAction: results.ACTION_GAS as ActionGas, meetsTargets: passed };
}

export function printTokenGas(result: TokenGasResult & { meetsTargets: boolean }): void {
  const gas = (value: number) => Math.round(value).toLocaleString("en-US");
  const marginal = (figure: Marginal) => `${gas(figure.from1to100)} (1→100), ${gas(figure.from1to500)} (1→500), target ≤ ${gas(figure.target)}`;
  const action = result.perRewardedAction;
  console.log("\nreward token: gas from receipts on the hardhat node");
  console.log(
    `  gas per rewarded action           ${action.ratio.toFixed(3)} of one mint per action, target ≤ ${action.ratioMax} (${gas(action.settlementGasPerAction)} settled vs ${gas(action.perActionMintGas)} minted; ${action.members} members × ${action.actions / action.members} actions)`,
  );
  console.log(`  marginal gas per fresh holder     ${marginal(result.freshHolderMarginalGas)}`);
  console.log(`  marginal gas per existing holder  ${marginal(result.existingHolderMarginalGas)}`);
  console.log(`  whole batches                     ${Object.entries(result.batchGas).map(([name, value]) => `${name} ${gas(value)}`).join(", ")} (cap ${gas(result.txGasMax)} per transaction)`);
  console.log(`  storage slots per batch           ${Object.entries(result.storageSlotsPerBatch).map(([name, slots]) => `${name}: ${slots.created} new, ${slots.rewritten} rewritten`).join("; ")}`);
  if (!result.meetsTargets) console.log("  ✗ A TARGET IS MISSED (see the test output above)");
}
