import { localDay } from "../community/weekly-features";
import type { CommunityRules } from "../programs/program-config";
import { charCount, normalizeMessage, textKey } from "./chat-message";

/** The seed's chat rule (§4): at least `minMessages` counted messages in a local day, first to last at least `minSpanMs` apart. */
export type ChatRules = { minMessages: number; minSpanMs: number; minMessageChars: number };

export const minMessageCharsDefault = 5;

export function chatRulesOf(community: CommunityRules): ChatRules {
  return {
    minMessages: community.chat.minMessages,
    minSpanMs: community.chat.minSpanHours * 3_600_000,
    minMessageChars: community.chat.minMessageChars ?? minMessageCharsDefault,
  };
}

/**
 * How far a message's own time (`MsgTime`) may be from when its callback arrives. Tencent calls right
 * after delivery; the window only absorbs clock skew and a slow hop. A chat callback's signature does
 * not cover its body, so a forged one could otherwise date messages hours apart in a minute and make
 * the two-hour span without the two hours.
 */
export const chatMessagePastMaxMs = 5 * 60_000;
export const chatMessageFutureMaxMs = 60_000;
/** Messages a member's day records (counted or not): bounds storage and what a flood of callbacks costs. */
export const chatMessagesPerDayMax = 500;

/** A message from a Group.CallbackAfterSendMsg: its natural id (group, sequence), its time and its text. */
export type ChatMessage = { groupId: string; msgSeq: number; atMs: number; text: string };

/** What the member's actor loads for the message's day: whether the id was seen, and the day's recorded messages. */
export type ChatDayState = {
  seen: boolean;
  recorded: number;
  counted: readonly { atMs: number; textKey: string }[];
};

export type ChatIgnoredReason = "outside_window" | "too_short" | "repeated" | "daily_message_cap";

export type ChatDecision =
  | { outcome: "duplicate" }
  | { outcome: "ignored"; reason: ChatIgnoredReason; record: null }
  | { outcome: "ignored"; reason: ChatIgnoredReason; record: ChatRecord }
  | { outcome: "counted"; record: ChatRecord; countedToday: number; spanMs: number; meetsRule: boolean };

/** The row to keep: the message id for dedupe, its day, and for a counted one its time and text fingerprint. */
export type ChatRecord = { day: string; atMs: number; textKey: string; counted: boolean };

/** The member's local day a message falls in (the actor loads that day's state first). */
export function chatDayOf(atMs: number, timeZone: string): string {
  return localDay(atMs, timeZone);
}

/**
 * Decides one chat message: a seen (group, sequence) is a duplicate; a time outside the window is
 * ignored unrecorded; a message under the minimum length, or the same normalised text as one
 * already counted that day, is recorded (a retry stays a duplicate) but does not count. A counted
 * message says whether the day now meets the rule: the credit's own source id (the day) pays once.
 */
export function decideChatMessage(message: ChatMessage, day: ChatDayState, rules: ChatRules, timing: { nowMs: number; timeZone: string }): ChatDecision {
  if (day.seen) return { outcome: "duplicate" };
  const skewMs = timing.nowMs - message.atMs;
  if (skewMs > chatMessagePastMaxMs || -skewMs > chatMessageFutureMaxMs) return { outcome: "ignored", reason: "outside_window", record: null };
  if (day.recorded >= chatMessagesPerDayMax) return { outcome: "ignored", reason: "daily_message_cap", record: null };
  const normalized = normalizeMessage(message.text);
  const key = textKey(normalized);
  const record = (counted: boolean): ChatRecord => ({ day: chatDayOf(message.atMs, timing.timeZone), atMs: message.atMs, textKey: key, counted });
  if (charCount(normalized) < rules.minMessageChars) return { outcome: "ignored", reason: "too_short", record: record(false) };
  if (day.counted.some((earlier) => earlier.textKey === key)) return { outcome: "ignored", reason: "repeated", record: record(false) };
  const times = [...day.counted.map((earlier) => earlier.atMs), message.atMs];
  const spanMs = Math.max(...times) - Math.min(...times);
  return { outcome: "counted", record: record(true), countedToday: times.length, spanMs, meetsRule: times.length >= rules.minMessages && spanMs >= rules.minSpanMs };
}
