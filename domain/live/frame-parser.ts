import type { z } from "zod";

/**
 * What the live layer's frames share (the AMA room's and the live event's): a size bound checked
 * before JSON parsing, then the type, then the fields, and a named refusal instead of a throw.
 */

/** Changes in one `events` frame; the actor splits a longer run of sequence numbers over several frames. */
export const eventsPerFrameMax = 256;
export const errorCodeLengthMax = 64;
export const errorMessageLengthMax = 500;

export type FrameParse<Frame> = { ok: true; frame: Frame } | { ok: false; code: "bad_frame"; message: string };

/** A parser for one zod union of client frames: never throws; binary frames are refused (the live layer speaks JSON text). */
export function frameParser<Frame>(schema: z.ZodType<Frame>, types: readonly string[], bytesMax: number): (data: string | ArrayBuffer) => FrameParse<Frame> {
  const badFrame = (message: string): FrameParse<Frame> => ({ ok: false, code: "bad_frame", message });
  return (data) => {
    if (typeof data !== "string") return badFrame("binary frames are not accepted; send the frame as JSON text");
    if (exceedsBytes(data, bytesMax)) return badFrame(`a frame is at most ${bytesMax} bytes; this one is larger`);
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return badFrame('the frame is not JSON; send an object such as {"type":"heartbeat"}');
    }
    if (typeof json !== "object" || json === null || Array.isArray(json) || !("type" in json) || typeof json.type !== "string") {
      return badFrame('a frame is a JSON object with a "type", such as {"type":"heartbeat"}');
    }
    if (!types.includes(json.type)) return badFrame(`unknown frame type ${JSON.stringify(json.type.slice(0, 64))}; expected one of ${types.join(", ")}`);
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, frame: parsed.data };
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join(".") : "frame";
    return badFrame(`${json.type}: ${field}: ${issue?.message ?? "invalid"}`);
  };
}

/** Whether `text` is over `max` bytes in UTF-8, encoded only when its length leaves it open (a UTF-16 unit is 1 to 3 bytes). */
function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return new TextEncoder().encode(text).byteLength > max;
}
