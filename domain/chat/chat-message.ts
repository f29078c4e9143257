import { base32, digestBytes } from "../ids/digest";

/** One element of a Tencent Chat message body (`TIMMessage`): only text elements carry words we count. */
export type ChatMessageElement = { MsgType: string; MsgContent?: Record<string, unknown> };

/** Characters of a message's text the engine reads; a longer text is cut (Tencent's own limit is 12 KB). */
export const chatTextCharsMax = 2_000;

/** The words of a message: its `TIMTextElem` texts joined by a space. Images, stickers and custom elements count for nothing. */
export function messageText(elements: readonly ChatMessageElement[]): string {
  const texts: string[] = [];
  for (const element of elements) {
    const text = element.MsgContent?.Text;
    if (element.MsgType === "TIMTextElem" && typeof text === "string") texts.push(text);
  }
  return texts.join(" ").slice(0, chatTextCharsMax);
}

/**
 * A text as the repeat check compares it: Unicode-normalised (NFKC: full-width letters are letters),
 * lower case, runs of white space as one space, trimmed. "GM  gm" and "gm gm" are the same message.
 */
export function normalizeMessage(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** Length in characters (code points, so an emoji is one), as the minimum length counts it. */
export function charCount(normalized: string): number {
  let count = 0;
  for (const _ of normalized) count++;
  return count;
}

/** A fingerprint of a normalised text: the member's day keeps this, never the words. */
export function textKey(normalized: string): string {
  return base32(digestBytes(`chat\u0000${normalized}`), 20);
}
