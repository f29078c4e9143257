import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fakeChainUrl, silentChainUrl } from "../../test/fake-chain";
import { type FakeTencentCall, fakeTencentUrl } from "../../test/fake-tencent";
import { setUserBlocked } from "./trtc-api";

/** What the fake TencentCloud API (test/fake-tencent.ts, in the test runner's Node process) saw for a room. */
async function callsSeenFor(roomId: string): Promise<FakeTencentCall[]> {
  const response = await fetch(`${fakeTencentUrl}/__calls?roomId=${encodeURIComponent(roomId)}`);
  return (await response.json()) as FakeTencentCall[];
}

const freshRoom = () => `ama-${crypto.randomUUID()}`;

describe("SetUserBlockedByStrRoomId", () => {
  it("mutes a user with a request the fake API accepts as correctly signed", async () => {
    const roomId = freshRoom();
    const result = await setUserBlocked(env, { roomId, userId: "member_7", muted: true });
    expect(result).toEqual({ ok: true, requestId: expect.any(String) });
    expect(await callsSeenFor(roomId)).toEqual([
      {
        action: "SetUserBlockedByStrRoomId",
        version: "2019-07-22",
        region: env.TENCENTCLOUD_REGION,
        params: { SdkAppId: 1400000000, StrRoomId: roomId, UserId: "member_7", IsMute: 1 },
        errorCode: null,
        atMs: expect.any(Number),
      },
    ]);
  });

  it("unmutes with IsMute 0 and keeps a numeric-looking room id a string", async () => {
    const roomId = String(Math.floor(Math.random() * 1e9));
    expect((await setUserBlocked(env, { roomId, userId: "member_7", muted: false })).ok).toBe(true);
    const [call] = await callsSeenFor(roomId);
    expect(call.params).toMatchObject({ StrRoomId: roomId, IsMute: 0 });
  });

  it("names Tencent's error when the signature is wrong, without throwing", async () => {
    const roomId = freshRoom();
    const result = await setUserBlocked({ ...env, TENCENTCLOUD_SECRET_KEY: "not-the-key" }, { roomId, userId: "member_7", muted: true });
    expect(result).toMatchObject({ ok: false, failure: "tencent_error", code: "AuthFailure.SignatureFailure", requestId: expect.any(String) });
    expect((await callsSeenFor(roomId))[0].errorCode).toBe("AuthFailure.SignatureFailure");
  });

  it("is refused when its clock is more than 5 minutes off", async () => {
    const result = await setUserBlocked(env, { roomId: freshRoom(), userId: "member_7", muted: true }, { nowMs: Date.now() - 10 * 60_000 });
    expect(result).toMatchObject({ ok: false, failure: "tencent_error", code: "AuthFailure.SignatureExpire" });
  });

  it("gives up on an API that never answers within its bound", async () => {
    const started = Date.now();
    const result = await setUserBlocked({ ...env, TENCENTCLOUD_API_BASE: silentChainUrl }, { roomId: freshRoom(), userId: "member_7", muted: true }, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, failure: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("answers a failure, never a throw, when the endpoint refuses the connection", async () => {
    const result = await setUserBlocked({ ...env, TENCENTCLOUD_API_BASE: "http://127.0.0.1:1" }, { roomId: freshRoom(), userId: "member_7", muted: true });
    // In production a refused connection rejects the fetch ("unreachable"); under vitest, miniflare's
    // outbound service turns it into an HTTP 5xx first, which is "bad_response".
    expect(result.ok).toBe(false);
    expect(["unreachable", "bad_response"]).toContain(!result.ok && result.failure);
  });

  it("names an answer that is not TencentCloud's envelope", async () => {
    const result = await setUserBlocked({ ...env, TENCENTCLOUD_API_BASE: fakeChainUrl }, { roomId: freshRoom(), userId: "member_7", muted: true });
    expect(result).toMatchObject({ ok: false, failure: "bad_response" });
  });

  it("says what is missing when the deployment has no credentials", async () => {
    const result = await setUserBlocked({ ...env, TENCENTCLOUD_SECRET_ID: "" }, { roomId: freshRoom(), userId: "member_7", muted: true });
    expect(result).toMatchObject({ ok: false, failure: "not_configured", message: expect.stringContaining("TENCENTCLOUD_SECRET_ID") });
  });
});
