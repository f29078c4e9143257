import { drizzle } from "drizzle-orm/d1";
import { applyMemberEvents } from "../../db/projections";
import type { MemberEvent } from "../../durable-objects/member/member-events";

/** The outbox consumer: a whole batch lands in one D1 batch, or the Queue redelivers it. */
export async function projectMemberEvents(batch: MessageBatch<MemberEvent>, env: Env): Promise<void> {
  const events = batch.messages.map((message) => message.body).filter((event) => event.v === 1);
  await applyMemberEvents(drizzle(env.DB), events);
  batch.ackAll();
}
