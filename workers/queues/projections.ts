import { drizzle } from "drizzle-orm/d1";
import { applyMemberEvents } from "../../db/projections";
import type { MemberEvent } from "../../durable-objects/member/member-events";
import { enqueueChannelSyncs } from "../channels/sync-messages";
import { readMemberEvent } from "./member-event-schema";
import { retryDelaySeconds } from "./retry-delay";

type Readable = { message: Message<unknown>; event: MemberEvent };

/**
 * The outbox consumer. Each message is acknowledged or retried on its own, so one bad message
 * cannot hold back, or take down, the others: unreadable bodies and event versions this code does
 * not know are retried (and end in the dead-letter queue if they never become readable); the rest
 * land in one D1 batch, or, if that batch fails, one message at a time.
 */
export async function projectMemberEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const readable: Readable[] = [];
  for (const message of batch.messages) {
    const read = readMemberEvent(message.body);
    if (read.ok) readable.push({ message, event: read.event });
    else retryLater(message, `message ${message.id}: ${read.problem}`);
  }
  if (readable.length === 0) return;

  const db = drizzle(env.DB);
  try {
    await applyMemberEvents(db, readable.map((item) => item.event));
    // Tier changes also move the member's chat channels (issue 22); a failed enqueue retries the events.
    await enqueueChannelSyncs(env, readable.map((item) => item.event));
    for (const { message } of readable) message.ack();
    return;
  } catch (error) {
    // D1 runs a batch as one transaction, so nothing of it was written: each event gets its own try.
    console.warn(`projections: a batch of ${readable.length} events failed in D1; applying them one by one`, error);
  }
  for (const { message, event } of readable) {
    try {
      await applyMemberEvents(db, [event]);
      await enqueueChannelSyncs(env, [event]);
      message.ack();
    } catch (error) {
      retryLater(message, `event ${event.memberId}#${event.seq} failed in D1 or its channel sync enqueue: ${String(error)}`);
    }
  }
}

function retryLater(message: Message<unknown>, problem: string): void {
  const delaySeconds = retryDelaySeconds(message.attempts);
  console.error(`projections: ${problem}; retry ${message.attempts} in ${delaySeconds} s`);
  message.retry({ delaySeconds });
}
