import { tc3Sign } from "./tc3";

/**
 * TRTC's server API (TencentCloud API 3.0, service "trtc", version 2019-07-22). TRTC has no call that
 * changes a user's role: a demoted speaker is muted here (and re-keyed as a listener by the room).
 * Every outcome is a value: the API answers HTTP 200 even for errors (read `Response.Error`), and a
 * network failure or a slow answer must never throw into a route or stall a room.
 */
export type TrtcApiEnv = Pick<Env, "TRTC_SDK_APP_ID" | "TENCENTCLOUD_API_BASE" | "TENCENTCLOUD_REGION" | "TENCENTCLOUD_SECRET_ID" | "TENCENTCLOUD_SECRET_KEY">;

export type TrtcApiResult =
  | { ok: true; requestId: string }
  /** Tencent answered with `Response.Error` (e.g. AuthFailure.SignatureFailure, FailedOperation…). */
  | { ok: false; failure: "tencent_error"; code: string; message: string; requestId: string | null }
  /** No answer within `trtcApiTimeoutMs`. */
  | { ok: false; failure: "timeout"; message: string }
  /** The request never got an HTTP answer (DNS, refused, reset). */
  | { ok: false; failure: "unreachable"; message: string }
  /** An HTTP answer that is not TencentCloud's JSON envelope (a proxy page, a 5xx). */
  | { ok: false; failure: "bad_response"; message: string }
  /** Credentials or the app id are missing from the deployment. */
  | { ok: false; failure: "not_configured"; message: string };

/** A mute is one small request; 3 s bounds what a host's click may wait for (Tencent allows 20 calls/s). */
export const trtcApiTimeoutMs = 3_000;
const responseBytesMax = 64 * 1024;
const service = "trtc";
const version = "2019-07-22";

/** IsMute: 0 lets the user send audio and video again, 1 blocks both (the value both API versions document). */
export async function setUserBlocked(
  env: TrtcApiEnv,
  request: { roomId: string; userId: string; muted: boolean },
  options: { nowMs?: number; timeoutMs?: number } = {},
): Promise<TrtcApiResult> {
  const sdkAppId = Number(env.TRTC_SDK_APP_ID);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) return { ok: false, failure: "not_configured", message: "TRTC_SDK_APP_ID is not a numeric SDKAppID" };
  // StrRoomId, not RoomId: TRTC treats room 123 and room "123" as different rooms, and ours are strings.
  return callTrtcApi(env, "SetUserBlockedByStrRoomId", { SdkAppId: sdkAppId, StrRoomId: request.roomId, UserId: request.userId, IsMute: request.muted ? 1 : 0 }, options);
}

export async function callTrtcApi(
  env: TrtcApiEnv,
  action: string,
  params: Record<string, unknown>,
  options: { nowMs?: number; timeoutMs?: number } = {},
): Promise<TrtcApiResult> {
  if (!env.TENCENTCLOUD_SECRET_ID || !env.TENCENTCLOUD_SECRET_KEY || !env.TENCENTCLOUD_API_BASE) {
    return { ok: false, failure: "not_configured", message: "Set TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY (secrets) and TENCENTCLOUD_API_BASE" };
  }
  const url = new URL(env.TENCENTCLOUD_API_BASE);
  const payload = JSON.stringify(params);
  const timestampSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const contentType = "application/json; charset=utf-8";
  // The action is signed too (Tencent's current recommendation), so a captured request cannot be replayed as another action.
  const { authorization } = await tc3Sign({
    secretId: env.TENCENTCLOUD_SECRET_ID,
    secretKey: env.TENCENTCLOUD_SECRET_KEY,
    service,
    timestampSeconds,
    signedHeaders: { "content-type": contentType, host: url.host, "x-tc-action": action },
    payload,
  });
  const headers = {
    Authorization: authorization,
    "Content-Type": contentType,
    "X-TC-Action": action,
    "X-TC-Version": version,
    "X-TC-Region": env.TENCENTCLOUD_REGION,
    "X-TC-Timestamp": String(timestampSeconds),
  };
  const timeoutMs = options.timeoutMs ?? trtcApiTimeoutMs;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, failure: "timeout", message: `${action}: no answer from ${url.host} within ${timeoutMs} ms` };
    return { ok: false, failure: "unreachable", message: `${action}: ${url.host} unreachable (${(error as Error).message})` };
  }
  return readEnvelope(action, response);
}

async function readEnvelope(action: string, response: Response): Promise<TrtcApiResult> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    return { ok: false, failure: name === "TimeoutError" || name === "AbortError" ? "timeout" : "unreachable", message: `${action}: the answer was cut off` };
  }
  if (!response.ok || text.length > responseBytesMax) return { ok: false, failure: "bad_response", message: `${action}: HTTP ${response.status}, ${text.length} bytes` };
  let envelope: { Response?: { RequestId?: unknown; Error?: { Code?: unknown; Message?: unknown } } };
  try {
    envelope = JSON.parse(text);
  } catch {
    return { ok: false, failure: "bad_response", message: `${action}: the answer is not JSON` };
  }
  const body = envelope?.Response;
  if (typeof body !== "object" || body === null) return { ok: false, failure: "bad_response", message: `${action}: no Response object in the answer` };
  const requestId = typeof body.RequestId === "string" ? body.RequestId : null;
  if (body.Error) {
    return { ok: false, failure: "tencent_error", code: String(body.Error.Code ?? "Unknown"), message: String(body.Error.Message ?? ""), requestId };
  }
  if (requestId === null) return { ok: false, failure: "bad_response", message: `${action}: the answer has no RequestId` };
  return { ok: true, requestId };
}
