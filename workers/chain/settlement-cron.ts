import { chainSettlerName } from "../../durable-objects/chain-settler/settler-name";

/** The 5-minute cron (wrangler.toml): what has queued is cut into a batch, and ledger and chain are reconciled. */
export const settlementCron = "*/5 * * * *";

export async function kickSettlement(env: Env, scheduledTimeMs: number): Promise<void> {
  const settler = env.CHAIN_SETTLER.getByName(chainSettlerName);
  // Each on its own: a chain that does not answer must not stop the reconciliation of what is already final.
  const [cut, reconciled] = await Promise.allSettled([settler.cutBatch(scheduledTimeMs), settler.reconcile(scheduledTimeMs)]);
  if (cut.status === "rejected") console.error("settlement cron: the cut failed; the settler's alarm and the next cron retry", cut.reason);
  if (reconciled.status === "rejected") console.error("settlement cron: reconciliation failed; the next cron continues it", reconciled.reason);
}
