import { createApp } from "./app";
import { consumeChatSync } from "./channels/chat-sync-consumer";
import { scheduleChatReconciliation } from "./channels/reconcile";
import { rebuildDeadLettered } from "./queues/dead-letters";
import { projectMemberEvents } from "./queues/projections";
import { consumeSettlementIntents } from "./queues/settlement-intents";
import { kickSettlement, settlementCron } from "./chain/settlement-cron";
import { pruneExpiredSignIns } from "./sessions/prune-expired";
import { pollTokenLogs } from "./token/poll-token-logs";

export { Member } from "../durable-objects/member/member";
export { RewardStock } from "../durable-objects/reward-stock/reward-stock";
export { RateLimiter } from "../durable-objects/rate-limiter/rate-limiter";
export { Room } from "../durable-objects/room/room";
export { Event } from "../durable-objects/event/event";
export { ChainSettler } from "../durable-objects/chain-settler/chain-settler";
export { ChainWatcher } from "../durable-objects/chain-watcher/chain-watcher";

// The queue names in wrangler.toml; one Worker consumes both.
const outboxQueue = "loyalty-outbox";
const outboxDeadLetterQueue = "loyalty-outbox-dlq";
const chatSyncQueue = "loyalty-chat-sync";
const settlementQueue = "loyalty-settlement";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    // Two crons (wrangler.toml): the 5-minute one settles, reconciles and reads token logs; the rest stays hourly.
    // The settler and the watcher are separate actors: one failing does not hold up the other.
    if (controller.cron === settlementCron) {
      const results = await Promise.allSettled([kickSettlement(env, controller.scheduledTime), pollTokenLogs(env, controller.scheduledTime)]);
      for (const result of results) if (result.status === "rejected") throw result.reason;
      return;
    }
    await pruneExpiredSignIns(env, controller.scheduledTime);
    await scheduleChatReconciliation(env, controller.scheduledTime);
  },
  async queue(batch, env) {
    if (batch.queue === outboxQueue) return projectMemberEvents(batch, env);
    if (batch.queue === outboxDeadLetterQueue) return rebuildDeadLettered(batch, env);
    if (batch.queue === chatSyncQueue) return consumeChatSync(batch, env);
    if (batch.queue === settlementQueue) return consumeSettlementIntents(batch, env);
    throw new Error(`This Worker consumes ${outboxQueue}, ${outboxDeadLetterQueue}, ${chatSyncQueue} and ${settlementQueue}, not ${batch.queue}; check [[queues.consumers]] in wrangler.toml`);
  },
} satisfies ExportedHandler<Env, unknown>;
