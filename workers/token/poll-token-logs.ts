/** The one ChainWatcher (it owns the block cursor): every poll goes to this object. */
export const chainWatcherName = "watcher";

/** The cron's call: the watcher reads new token logs; a failure is logged and the next cron tries again. */
export async function pollTokenLogs(env: Env, nowMs: number): Promise<void> {
  const result = await env.CHAIN_WATCHER.getByName(chainWatcherName).poll(nowMs);
  if (!result.ok) console.error(`chain watcher: ${result.code}: ${result.message}`);
}
