import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * A local TencentCloud API 3.0 endpoint (issue 21) that answers like the real one, HTTP 200 with
 * `{"Response":{…,"RequestId"}}` or `{"Response":{"Error":{Code,Message},…}}`, and refuses any request
 * whose TC3-HMAC-SHA256 signature it cannot recompute. Workerd tests reach it through miniflare's
 * outbound service (test/fake-chain.ts routes its host here); `npm start` serves it on 127.0.0.1
 * (scripts/fake-tencent-server.ts). It recomputes signatures with node:crypto, not with our WebCrypto
 * signer, so a bug in the signer cannot agree with itself.
 *
 * `GET /__calls?roomId=…` answers what it recorded (workerd tests cannot read this process's memory).
 */
export const fakeTencentUrl = "http://tencentcloud.test";
/** The only credentials the test fake accepts (vitest.config.ts binds them). Test values, never real. */
export const fakeTencentCredentials = { secretId: "AKIDtestFakeTencentCloud00000000", secretKey: "testFakeTencentCloudSecretKey000" };

export type FakeTencentCall = {
  action: string;
  version: string;
  region: string;
  params: Record<string, unknown>;
  /** Null when the call succeeded; else the Tencent error code it answered. */
  errorCode: string | null;
  atMs: number;
};

type Credentials = { secretId: string; secretKey: string };

/** Tencent refuses a request whose X-TC-Timestamp is more than 5 minutes off. */
const clockSkewSecondsMax = 300;
const callsKeptMax = 1_000;
const authorizationPattern = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

class TencentError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function createFakeTencentApi(accepted: Credentials[], now: () => number = Date.now) {
  const calls: FakeTencentCall[] = [];
  const keys = new Map(accepted.map((credentials) => [credentials.secretId, credentials.secretKey]));

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/__calls") {
      const roomId = url.searchParams.get("roomId");
      return Response.json(roomId === null ? calls : calls.filter((call) => call.params.StrRoomId === roomId));
    }
    const requestId = crypto.randomUUID();
    const body = await request.text();
    const call: FakeTencentCall = {
      action: request.headers.get("x-tc-action") ?? "",
      version: request.headers.get("x-tc-version") ?? "",
      region: request.headers.get("x-tc-region") ?? "",
      params: {},
      errorCode: null,
      atMs: now(),
    };
    let answer: Record<string, unknown>;
    try {
      // Parsed first only so a refused call is still recorded under its room; nothing is acted on before the check.
      call.params = parseParams(body);
      verifySignature(request, url, body, keys, now());
      answer = perform(call);
    } catch (error) {
      if (!(error instanceof TencentError)) throw error;
      call.errorCode = error.code;
      answer = { Error: { Code: error.code, Message: error.message } };
    }
    calls.push(call);
    if (calls.length > callsKeptMax) calls.shift();
    return Response.json({ Response: { ...answer, RequestId: requestId } });
  }

  return { handle, calls };
}

function verifySignature(request: Request, url: URL, body: string, keys: Map<string, string>, nowMs: number): void {
  const match = authorizationPattern.exec(request.headers.get("authorization") ?? "");
  if (!match) throw new TencentError("AuthFailure.InvalidAuthorization", "Authorization is not a TC3-HMAC-SHA256 credential");
  const [, secretId, date, service, signedHeaderNames, signature] = match;
  const secretKey = keys.get(secretId);
  if (secretKey === undefined) throw new TencentError("AuthFailure.SecretIdNotFound", `SecretId ${secretId} is unknown`);
  const timestamp = Number(request.headers.get("x-tc-timestamp"));
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > clockSkewSecondsMax) {
    throw new TencentError("AuthFailure.SignatureExpire", "X-TC-Timestamp is missing or more than 5 minutes off");
  }
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new TencentError("AuthFailure.SignatureFailure", "The credential date is not the timestamp's UTC day");
  const names = signedHeaderNames.split(";");
  if (!names.includes("content-type") || !names.includes("host")) throw new TencentError("AuthFailure.SignatureFailure", "content-type and host must be signed");
  const headerValue = (name: string) => (name === "host" ? (request.headers.get("host") ?? url.host) : (request.headers.get(name) ?? ""));
  const canonicalHeaders = names.map((name) => `${name}:${headerValue(name).trim().toLowerCase()}\n`).join("");
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  const canonicalRequest = [request.method, url.pathname, url.search.slice(1), canonicalHeaders, signedHeaderNames, sha256(body)].join("\n");
  const stringToSign = ["TC3-HMAC-SHA256", String(timestamp), `${date}/${service}/tc3_request`, sha256(canonicalRequest)].join("\n");
  const step = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text, "utf8").digest();
  const expected = step(step(step(step(`TC3${secretKey}`, date), service), "tc3_request"), stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) throw new TencentError("AuthFailure.SignatureFailure", "The request signature does not match");
}

function parseParams(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  throw new TencentError("InvalidParameter", "The body is not a JSON object");
}

/** The actions the fake knows, with Tencent's parameter rules; anything else is InvalidAction. */
function perform(call: FakeTencentCall): Record<string, unknown> {
  if (call.version !== "2019-07-22") throw new TencentError("InvalidParameter", `Version ${call.version} is not 2019-07-22`);
  if (!["ap-beijing", "ap-guangzhou", "ap-singapore"].includes(call.region)) throw new TencentError("InvalidParameterValue", `Region ${call.region} is not supported`);
  if (call.action !== "SetUserBlockedByStrRoomId") throw new TencentError("InvalidAction", `${call.action} is not faked`);
  const { SdkAppId, StrRoomId, UserId, IsMute } = call.params;
  if (!Number.isInteger(SdkAppId)) throw new TencentError("MissingParameter", "SdkAppId must be an integer");
  if (typeof StrRoomId !== "string" || StrRoomId === "") throw new TencentError("MissingParameter", "StrRoomId must be a string");
  if (typeof UserId !== "string" || UserId === "") throw new TencentError("MissingParameter", "UserId must be a string");
  if (IsMute !== 0 && IsMute !== 1 && IsMute !== 2 && IsMute !== 3) throw new TencentError("InvalidParameterValue", "IsMute must be 0, 1, 2 or 3");
  return {};
}
