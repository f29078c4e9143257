import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { trtcConfigFromEnv, trtcPrivateMapKey, trtcPrivileges, trtcUserSig } from "./user-sig";

/**
 * A UserSig is base64 of zlib-deflated JSON, with `+/=` swapped for `*-_` (tls-sig-api-v2's "base64url").
 * These tests decode it without the package (DecompressionStream, not node:zlib) and recompute the
 * HMAC with WebCrypto, so a change in the package or in workerd's node:crypto cannot pass unnoticed.
 */
const config = { sdkAppId: 1400000000, secretKey: "test-trtc-secret-key" };
const nowSeconds = 1767225600; // 2026-01-01T00:00:00Z

type SigDoc = Record<string, string | number>;

async function decodeSig(sig: string): Promise<SigDoc> {
  const base64 = sig.replace(/\*/g, "+").replace(/-/g, "/").replace(/_/g, "=");
  const deflated = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const inflated = new Response(new Blob([deflated]).stream().pipeThrough(new DecompressionStream("deflate")));
  return JSON.parse(await inflated.text()) as SigDoc;
}

async function hmacBase64(key: string, text: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...mac));
}

/** Tencent's signed text: the fields in this order, one per line, the userbuf only for a PrivateMapKey. */
function signedText(doc: SigDoc): string {
  const lines = [`TLS.identifier:${doc["TLS.identifier"]}`, `TLS.sdkappid:${doc["TLS.sdkappid"]}`, `TLS.time:${doc["TLS.time"]}`, `TLS.expire:${doc["TLS.expire"]}`];
  if (doc["TLS.userbuf"] !== undefined) lines.push(`TLS.userbuf:${doc["TLS.userbuf"]}`);
  return lines.map((line) => `${line}\n`).join("");
}

/** The string-room userbuf: version 1, account, app id, numeric room 0, absolute expiry, privileges, account type, room string. */
function parseUserbuf(base64: string) {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  const version = view.getUint8(offset++);
  const accountLength = view.getUint16(offset);
  offset += 2;
  const account = new TextDecoder().decode(bytes.subarray(offset, offset + accountLength));
  offset += accountLength;
  const [sdkAppId, numericRoomId, expiresAt, privileges, accountType] = [0, 1, 2, 3, 4].map((index) => view.getUint32(offset + index * 4));
  offset += 20;
  const roomLength = view.getUint16(offset);
  offset += 2;
  const roomId = new TextDecoder().decode(bytes.subarray(offset, offset + roomLength));
  return { version, account, sdkAppId, numericRoomId, expiresAt, privileges, accountType, roomId, trailingBytes: bytes.length - offset - roomLength };
}

describe("TRTC UserSig and PrivateMapKey", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(nowSeconds * 1000);
  });
  afterEach(() => vi.useRealTimers());

  it("signs a UserSig whose fields and HMAC match a pinned vector and an independent WebCrypto HMAC", async () => {
    const doc = await decodeSig(trtcUserSig(config, "member_1", 7200));
    expect(doc).toEqual({
      "TLS.ver": "2.0",
      "TLS.identifier": "member_1",
      "TLS.sdkappid": 1400000000,
      "TLS.time": nowSeconds,
      "TLS.expire": 7200,
      // Computed once outside the package (Python's hmac over the same text and key).
      "TLS.sig": "7Av12RK0FWHrK8mcHyqRyC/Psevf76kaX0oxKhyxcJ8=",
    });
    expect(await hmacBase64(config.secretKey, signedText(doc))).toBe(doc["TLS.sig"]);
  });

  it("signs a speaker's PrivateMapKey for one string room with enter, receive and send audio", async () => {
    const doc = await decodeSig(trtcPrivateMapKey(config, "member_1", "ama_01HXYZ", "speaker", 600));
    expect(doc["TLS.sig"]).toBe("QiFXS5Hcp8qBKOi1n+tWOdyiUcQ6uhhX/PMYrDgQLYI=");
    expect(await hmacBase64(config.secretKey, signedText(doc))).toBe(doc["TLS.sig"]);
    expect(parseUserbuf(String(doc["TLS.userbuf"]))).toEqual({
      version: 1, // 1 = the string-room layout (0 would be a numeric room)
      account: "member_1",
      sdkAppId: 1400000000,
      numericRoomId: 0,
      expiresAt: nowSeconds + 600,
      privileges: 2 | 8 | 4,
      accountType: 0,
      roomId: "ama_01HXYZ",
      trailingBytes: 0,
    });
  });

  it("gives a listener enter and receive audio only, and defaults to short lives", async () => {
    const key = await decodeSig(trtcPrivateMapKey(config, "member_2", "123", "listener"));
    const userbuf = parseUserbuf(String(key["TLS.userbuf"]));
    expect(userbuf.privileges).toBe(trtcPrivileges.listener);
    expect(userbuf.privileges & 4).toBe(0);
    expect(userbuf.roomId).toBe("123");
    expect(key["TLS.expire"]).toBe(600);
    expect((await decodeSig(trtcUserSig(config, "member_2")))["TLS.expire"]).toBe(7200);
  });

  it("never puts the secret key in what it returns", async () => {
    const sig = trtcUserSig(config, "member_1");
    expect(sig).not.toContain(config.secretKey);
    expect(JSON.stringify(await decodeSig(sig))).not.toContain(config.secretKey);
  });

  it("refuses ids Tencent would reject or the package would garble", () => {
    expect(() => trtcUserSig(config, "has space")).toThrow(RangeError);
    expect(() => trtcUserSig(config, "x".repeat(33))).toThrow(RangeError);
    expect(() => trtcPrivateMapKey(config, "member_1", "salle-é", "listener")).toThrow(RangeError);
    expect(() => trtcUserSig(config, "member_1", 0)).toThrow(RangeError);
  });

  it("reads the app id and key from the env and names a missing key", () => {
    expect(trtcConfigFromEnv({ TRTC_SDK_APP_ID: "1400000000", TRTC_SECRET_KEY: "k" })).toEqual({ sdkAppId: 1400000000, secretKey: "k" });
    expect(() => trtcConfigFromEnv({ TRTC_SDK_APP_ID: "1400000000", TRTC_SECRET_KEY: "" })).toThrow(/TRTC_SECRET_KEY/);
    expect(() => trtcConfigFromEnv({ TRTC_SDK_APP_ID: "abc", TRTC_SECRET_KEY: "k" })).toThrow(/TRTC_SDK_APP_ID/);
  });
});
