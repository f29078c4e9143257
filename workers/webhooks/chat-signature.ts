import { digestBytes } from "../../domain/ids/digest";

/** A callback whose RequestTime is further than this from now is refused: a captured URL replays for a minute at most. */
export const chatRequestSkewMaxMs = 60_000;

/** Why a chat callback is refused before its body is read, with the Tencent-shaped ErrorCode and HTTP status we answer. */
export type ChatCallbackRefusal = { httpStatus: 401 | 403; errorCode: number; code: string; message: string };

const refusals = {
  missing: { httpStatus: 401, errorCode: 4011, code: "bad_signature", message: "RequestTime and Sign are required: turn on callback authentication in the Chat console" },
  badSign: { httpStatus: 401, errorCode: 4011, code: "bad_signature", message: "Sign is not hex(SHA-256(token + RequestTime)); check CHAT_CALLBACK_TOKEN against the Chat console" },
  stale: { httpStatus: 401, errorCode: 4012, code: "stale_request_time", message: `RequestTime is more than ${chatRequestSkewMaxMs / 1000} s from now` },
  otherApp: { httpStatus: 403, errorCode: 4013, code: "sdk_app_id_mismatch", message: "SdkAppid is not this deployment's CHAT_SDK_APP_ID" },
} as const satisfies Record<string, ChatCallbackRefusal>;

const hexEncoder = new TextEncoder();

/**
 * Tencent Chat's callback authentication: query `Sign` = hex(SHA-256(token + RequestTime)), with
 * RequestTime in seconds. It covers the time only, never the body, so it proves the caller knows the
 * token and called within the minute; what the body claims is bounded elsewhere. An unset token
 * refuses everything (an empty token would accept anyone who guessed it).
 */
export function checkChatCallback(query: { SdkAppid?: string; RequestTime?: string; Sign?: string }, env: { token: string | undefined; sdkAppId: string }, nowMs: number): ChatCallbackRefusal | null {
  const { RequestTime: requestTime, Sign: sign } = query;
  if (!env.token || !requestTime || !sign || !/^\d{1,12}$/.test(requestTime)) return refusals.missing;
  const expected = hexEncoder.encode(toHex(digestBytes(env.token + requestTime)));
  const given = hexEncoder.encode(sign.toLowerCase());
  // The length of a SHA-256 hex digest is public; only equal lengths reach the constant-time compare.
  if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected)) return refusals.badSign;
  if (Math.abs(nowMs - Number(requestTime) * 1000) > chatRequestSkewMaxMs) return refusals.stale;
  if (query.SdkAppid !== env.sdkAppId) return refusals.otherApp;
  return null;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
