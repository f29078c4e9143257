import { describe, expect, it } from "vitest";
import { type ChatDayState, type ChatRules, chatMessagesPerDayMax, decideChatMessage } from "./chat-activity";
import { charCount, messageText, normalizeMessage, textKey } from "./chat-message";

const rules: ChatRules = { minMessages: 5, minSpanMs: 2 * 3_600_000, minMessageChars: 5 };
const now = Date.parse("2026-12-04T12:00:00Z");
const timing = { nowMs: now, timeZone: "UTC" };
const emptyDay: ChatDayState = { seen: false, recorded: 0, counted: [] };
const message = (text: string, atMs = now) => ({ groupId: "grp", msgSeq: 1, atMs, text });
const countedAt = (...hours: number[]) => hours.map((hour, index) => ({ atMs: Date.parse("2026-12-04T00:00:00Z") + hour * 3_600_000, textKey: textKey(`message ${index}`) }));

describe("decideChatMessage", () => {
  it("calls a seen (group, sequence) a duplicate before anything else", () => {
    expect(decideChatMessage(message("hello there"), { ...emptyDay, seen: true }, rules, timing)).toEqual({ outcome: "duplicate" });
  });

  it("ignores, unrecorded, a message dated more than 5 minutes before its arrival or a minute after", () => {
    expect(decideChatMessage(message("hello there", now - 5 * 60_000 - 1), emptyDay, rules, timing)).toMatchObject({ outcome: "ignored", reason: "outside_window", record: null });
    expect(decideChatMessage(message("hello there", now + 60_001), emptyDay, rules, timing)).toMatchObject({ outcome: "ignored", reason: "outside_window" });
    expect(decideChatMessage(message("hello there", now - 4 * 60_000), emptyDay, rules, timing).outcome).toBe("counted");
  });

  it("records but does not count a text under the minimum length, emoji counted as one character each", () => {
    expect(decideChatMessage(message("  gm   "), emptyDay, rules, timing)).toMatchObject({ outcome: "ignored", reason: "too_short", record: { counted: false } });
    expect(decideChatMessage(message("🚀🚀🚀🚀"), emptyDay, rules, timing)).toMatchObject({ reason: "too_short" });
    expect(decideChatMessage(message("🚀🚀🚀🚀🚀"), emptyDay, rules, timing).outcome).toBe("counted");
  });

  it("does not count the same normalised text twice in a day", () => {
    const day = { ...emptyDay, recorded: 1, counted: [{ atMs: now - 60_000, textKey: textKey(normalizeMessage("WAGMI  frens")) }] };
    expect(decideChatMessage(message(" wagmi frens "), day, rules, timing)).toMatchObject({ outcome: "ignored", reason: "repeated" });
  });

  it("meets the rule at the fifth counted message with first to last two hours apart, not before", () => {
    const fourOverAnHour = { ...emptyDay, recorded: 4, counted: countedAt(11, 11.25, 11.5, 11.75) };
    expect(decideChatMessage(message("the fifth message"), fourOverAnHour, rules, timing)).toMatchObject({ outcome: "counted", countedToday: 5, spanMs: 3_600_000, meetsRule: false });
    const fourFromTen = { ...emptyDay, recorded: 4, counted: countedAt(10, 10.5, 11, 11.5) };
    expect(decideChatMessage(message("the fifth message"), fourFromTen, rules, timing)).toMatchObject({ countedToday: 5, spanMs: 2 * 3_600_000, meetsRule: true });
    const threeFromNine = { ...emptyDay, recorded: 3, counted: countedAt(9, 10, 11) };
    expect(decideChatMessage(message("the fourth message"), threeFromNine, rules, timing)).toMatchObject({ meetsRule: false });
  });

  it("records the message in the member's local day", () => {
    const lateInTokyo = decideChatMessage(message("konbanwa minna", Date.parse("2026-12-04T14:59:00Z")), emptyDay, rules, { nowMs: Date.parse("2026-12-04T15:00:00Z"), timeZone: "Asia/Tokyo" });
    expect(lateInTokyo).toMatchObject({ record: { day: "2026-12-04" } });
    const afterMidnight = decideChatMessage(message("ohayou minna", Date.parse("2026-12-04T15:00:00Z")), emptyDay, rules, { nowMs: Date.parse("2026-12-04T15:00:00Z"), timeZone: "Asia/Tokyo" });
    expect(afterMidnight).toMatchObject({ record: { day: "2026-12-05" } });
  });

  it("stops recording at the day's message cap", () => {
    expect(decideChatMessage(message("one more message"), { ...emptyDay, recorded: chatMessagesPerDayMax }, rules, timing)).toMatchObject({ outcome: "ignored", reason: "daily_message_cap", record: null });
  });
});

describe("chat message text", () => {
  it("reads only text elements of a Tencent message body", () => {
    expect(messageText([{ MsgType: "TIMTextElem", MsgContent: { Text: "look at" } }, { MsgType: "TIMImageElem", MsgContent: { UUID: "x" } }, { MsgType: "TIMTextElem", MsgContent: { Text: "this" } }])).toBe("look at this");
    expect(messageText([{ MsgType: "TIMCustomElem", MsgContent: { Data: "a long custom payload" } }])).toBe("");
  });

  it("normalises width, case and spaces, and counts code points", () => {
    expect(normalizeMessage("  ＧＭ\n\tFrens ")).toBe("gm frens");
    expect(charCount("gm 🚀")).toBe(4);
  });
});
