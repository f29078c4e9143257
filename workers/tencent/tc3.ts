/**
 * TencentCloud API 3.0 request signing, TC3-HMAC-SHA256 ("Signature v3" in Tencent's docs), with
 * WebCrypto: about 60 lines instead of an SDK whose Node HTTP client is not what a Worker needs.
 *
 *   CanonicalRequest = METHOD \n URI \n QUERY \n canonical headers \n signed header names \n hex(sha256(body))
 *   StringToSign     = "TC3-HMAC-SHA256" \n timestamp \n date/service/tc3_request \n hex(sha256(CanonicalRequest))
 *   key              = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")
 *   Signature        = hex(HMAC(key, StringToSign))
 *
 * Header names and values are lowercased and trimmed and sorted by name (Tencent's rule); `date` is the
 * UTC day of the timestamp, which must also be sent as X-TC-Timestamp (Tencent refuses > 5 min of skew).
 */
export const tc3Algorithm = "TC3-HMAC-SHA256";

export type Tc3Input = {
  secretId: string;
  secretKey: string;
  /** The product's service name, e.g. "trtc" or "cvm": part of the credential scope. */
  service: string;
  timestampSeconds: number;
  /** The headers to sign, by name (at least content-type and host). */
  signedHeaders: Record<string, string>;
  /** The exact body bytes that will be sent. */
  payload: string;
  method?: string;
  canonicalUri?: string;
  canonicalQuery?: string;
};

export type Tc3Signature = { authorization: string; signature: string; canonicalRequest: string; stringToSign: string };

const encoder = new TextEncoder();

export async function tc3Sign(input: Tc3Input): Promise<Tc3Signature> {
  const headers = Object.entries(input.signedHeaders)
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaderNames = headers.map(([name]) => name).join(";");
  const canonicalRequest = [
    input.method ?? "POST",
    input.canonicalUri ?? "/",
    input.canonicalQuery ?? "",
    headers.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaderNames,
    await sha256Hex(input.payload),
  ].join("\n");
  const date = new Date(input.timestampSeconds * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [tc3Algorithm, String(input.timestampSeconds), scope, await sha256Hex(canonicalRequest)].join("\n");
  const dateKey = await hmac(encoder.encode(`TC3${input.secretKey}`), date);
  const signingKey = await hmac(await hmac(dateKey, input.service), "tc3_request");
  const signature = toHex(await hmac(signingKey, stringToSign));
  const authorization = `${tc3Algorithm} Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaderNames}, Signature=${signature}`;
  return { authorization, signature, canonicalRequest, stringToSign };
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

async function hmac(key: Uint8Array, text: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(text)));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
