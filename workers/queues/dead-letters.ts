import { isMemberId } from "../members/member-id";
import { memberIdOf } from "./member-event-schema";
import { rebuildMemberProjection } from "./rebuild-projection";
import { retryDelaySeconds } from "./retry-delay";

const previewCharsMax = 2_000;

/**
 * The dead-letter consumer. An outbox event lands here after its retries ran out, and whatever it
 * carried (perhaps the only copy of a settlement) is missing from D1. Its body is not trusted; its
 * memberId is enough: the member's projection is rebuilt from the actor, which keeps everything.
 */
export async function rebuildDeadLettered(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const messagesByMember = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const memberId = memberIdOf(message.body);
    if (memberId === null || !isMemberId(memberId)) {
      // Nothing can rebuild from it, and a retry would only delay its deletion: log it for people.
      console.error(`dead letter ${message.id} names no member; dropped: ${preview(message.body)}`);
      message.ack();
      continue;
    }
    messagesByMember.set(memberId, [...(messagesByMember.get(memberId) ?? []), message]);
  }

  // One rebuild per member covers every dead-lettered event of that member in the batch.
  for (const [memberId, messages] of messagesByMember) {
    try {
      const rebuilt = await rebuildMemberProjection(env, memberId);
      if (!rebuilt) console.error(`dead letters for ${memberId}: no such member; dropped`);
      for (const message of messages) message.ack();
    } catch (error) {
      console.error(`dead letters for ${memberId}: rebuild failed; retrying`, error);
      for (const message of messages) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** A body for the log, whatever it holds: Queue bodies are structured clones, not always JSON. */
function preview(body: unknown): string {
  try {
    return String(JSON.stringify(body) ?? body).slice(0, previewCharsMax);
  } catch {
    return `a ${typeof body} that JSON cannot show`;
  }
}
