import { z } from "@hono/zod-openapi";
import type { MemberEvent, MemberEventKind } from "../../durable-objects/member/member-events";
import { batchesOf } from "../../domain/channels/channel-set";

/**
 * The chat-sync queue's messages (issue 22). A member message names whom to sync, never what to sync
 * them to: the consumer reads the member's state when it runs, so a late or repeated message cannot
 * apply a stale tier.
 */
const id = z.string().min(1).max(256);
export const ChatSyncMessageSchema = z.discriminatedUnion("type", [
  z.object({ v: z.literal(1), type: z.literal("member"), programId: id, memberId: id }),
  z.object({ v: z.literal(1), type: z.literal("reconcile_group"), programId: id, groupId: id }),
  z.object({ v: z.literal(1), type: z.literal("announcement"), announcementId: id }),
]);
export type ChatSyncMessage = z.infer<typeof ChatSyncMessageSchema>;

/** A Queue's sendBatch takes at most 100 messages. */
const sendBatchMax = 100;

export async function enqueueChatSync(env: Pick<Env, "CHAT_SYNC">, messages: readonly ChatSyncMessage[]): Promise<void> {
  for (const batch of batchesOf(messages, sendBatchMax)) await env.CHAT_SYNC.sendBatch(batch.map((body) => ({ body })));
}

/** What changes a member's channels: joining (the lowest tier's channels) and every tier change. */
const channelEventKinds: readonly MemberEventKind[] = ["enrolled", "tier_changed"];

/** Called by the outbox consumer for the events it projected; a failure there retries those events (projections are idempotent). */
export async function enqueueChannelSyncs(env: Pick<Env, "CHAT_SYNC">, events: readonly MemberEvent[]): Promise<void> {
  const members = new Map<string, ChatSyncMessage>();
  for (const event of events) {
    if (channelEventKinds.includes(event.kind)) members.set(event.memberId, { v: 1, type: "member", programId: event.programId, memberId: event.memberId });
  }
  if (members.size > 0) await enqueueChatSync(env, [...members.values()]);
}
