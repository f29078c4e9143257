import { retryDelaySeconds } from "../queues/retry-delay";
import { deliverAnnouncement } from "./announcement-delivery";
import { syncMemberChannels } from "./member-sync";
import { reconcileGroup } from "./reconcile";
import { ChatSyncMessageSchema } from "./sync-messages";

/**
 * The chat-sync queue's consumer (issue 22). Member messages of one program are synced together, so
 * 45 promotions in one batch cost three add_group_member calls per group, not 45; each message is then
 * acked or retried with a growing delay on its own member's outcome.
 */
export async function consumeChatSync(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const membersByProgram = new Map<string, { message: Message<unknown>; memberId: string }[]>();
  for (const message of batch.messages) {
    const parsed = ChatSyncMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      retryLater(message, `not a chat-sync message this consumer reads: ${parsed.error.issues[0]?.message}`);
      continue;
    }
    const body = parsed.data;
    if (body.type === "member") {
      const list = membersByProgram.get(body.programId) ?? [];
      list.push({ message, memberId: body.memberId });
      membersByProgram.set(body.programId, list);
      continue;
    }
    try {
      if (body.type === "reconcile_group") await reconcileGroup(env, body.programId, body.groupId);
      else if ((await deliverAnnouncement(env, body.announcementId)).failed > 0) throw new Error(`announcement ${body.announcementId}: some deliveries failed`);
      message.ack();
    } catch (error) {
      retryLater(message, String(error));
    }
  }
  for (const [programId, entries] of membersByProgram) {
    let failures: Map<string, string>;
    try {
      failures = await syncMemberChannels(env, programId, entries.map((entry) => entry.memberId));
    } catch (error) {
      failures = new Map(entries.map((entry) => [entry.memberId, String(error)]));
    }
    for (const { message, memberId } of entries) {
      const failure = failures.get(memberId);
      if (failure === undefined) message.ack();
      else retryLater(message, `channel sync of ${memberId}: ${failure}`);
    }
  }
}

function retryLater(message: Message<unknown>, problem: string): void {
  const delaySeconds = retryDelaySeconds(message.attempts);
  console.error(`chat sync: ${problem}; retry ${message.attempts} in ${delaySeconds} s`);
  message.retry({ delaySeconds });
}
