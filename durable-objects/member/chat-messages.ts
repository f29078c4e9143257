import { type ChatMessage, chatDayOf, chatRulesOf, decideChatMessage } from "../../domain/chat/chat-activity";
import { dayAfter } from "../../domain/community/streak";
import { creditCommunity } from "./community-credit";
import type { CommandReply, WriteContext } from "./write-context";

/** Local days of messages kept for dedupe and the repeat check: the callback window is minutes, so three days is ample. */
export const chatDaysKept = 3;

/** What became of a chat message's chat_activity credit, when the message met the day's rule. */
export type ChatCreditOutcome = { status: "paid" | "already_paid" | "refused"; points: number; code?: string };

export type ChatMessageReply = {
  outcome: "counted" | "duplicate" | "ignored";
  reason?: string;
  day?: string;
  countedToday?: number;
  credit?: ChatCreditOutcome;
};

/**
 * Records one chat message (a claim from a callback: dedupe by its natural id, the window on its
 * time, the length and repeat rules) in the member's day, and credits `chat_activity` once the day
 * meets the rule. The credit's source id is the local day, so a day pays at most once however many
 * messages follow, through the one community credit path (cooldown, cap, multipliers, verification).
 */
export function recordChatMessage(ctx: WriteContext, message: ChatMessage): CommandReply & { body: ChatMessageReply } {
  const community = ctx.config.community;
  if (!community) return { status: 200, body: { outcome: "ignored", reason: "not_a_community_program" } };
  const { db } = ctx.store;
  const timeZone = ctx.profile.timezone;
  const day = chatDayOf(message.atMs, timeZone);
  const seen = db.one<{ seen: number }>("SELECT 1 AS seen FROM chat_messages WHERE group_id = ? AND msg_seq = ?", message.groupId, message.msgSeq) !== undefined;
  const rows = seen ? [] : db.all<{ at_ms: number; text_key: string; counted: number }>("SELECT at_ms, text_key, counted FROM chat_messages WHERE day = ?", day);
  const counted = rows.filter((row) => row.counted === 1).map((row) => ({ atMs: row.at_ms, textKey: row.text_key }));
  const decision = decideChatMessage(message, { seen, recorded: rows.length, counted }, chatRulesOf(community), { nowMs: ctx.nowMs, timeZone });
  if (decision.outcome === "duplicate") return { status: 200, body: { outcome: "duplicate" } };
  if (decision.record) {
    const { record } = decision;
    db.run(
      "INSERT INTO chat_messages (group_id, msg_seq, day, at_ms, text_key, counted) VALUES (?, ?, ?, ?, ?, ?)",
      message.groupId,
      message.msgSeq,
      record.day,
      record.atMs,
      record.textKey,
      record.counted ? 1 : 0,
    );
    db.run("DELETE FROM chat_messages WHERE day < ?", dayAfter(chatDayOf(ctx.nowMs, timeZone), -chatDaysKept));
  }
  if (decision.outcome === "ignored") return { status: 200, body: { outcome: "ignored", reason: decision.reason, ...(decision.record ? { day } : {}) } };
  const body: ChatMessageReply = { outcome: "counted", day, countedToday: decision.countedToday };
  if (!decision.meetsRule) return { status: 200, body };
  const reply = creditCommunity(ctx, { kind: "chat_activity", sourceId: day, occurredAtMs: message.atMs, timeGiven: true });
  const answer = reply.body as { points?: number; error?: { code: string } };
  const credit: ChatCreditOutcome = reply.replayed
    ? { status: "already_paid", points: 0 }
    : reply.status >= 300
      ? { status: "refused", points: 0, code: answer.error?.code }
      : { status: "paid", points: answer.points ?? 0 };
  return { status: 200, body: { ...body, credit } };
}
