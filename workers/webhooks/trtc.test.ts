import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { trtcExitReasons } from "./trtc";

/** Signs like Tencent: base64(HMAC-SHA256(callback key, raw body)). The key is vitest.config.ts's TRTC_CALLBACK_KEY. */
async function sign(body: string, key = env.TRTC_CALLBACK_KEY): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(body)));
  return btoa(String.fromCharCode(...mac));
}

async function postCallback(body: string, headers: { Sign?: string | null; SdkAppId?: string } = {}) {
  const signature = headers.Sign === undefined ? await sign(body) : headers.Sign;
  return call("POST", "/webhooks/trtc", {
    token: null,
    rawBody: body,
    headers: { "Content-Type": "application/json", SdkAppId: headers.SdkAppId ?? env.TRTC_SDK_APP_ID, ...(signature === null ? {} : { Sign: signature }) },
  });
}

/** A callback in Tencent's documented shape (Room & Media Webhooks, the 103/104 examples). */
function callback(eventType: number, info: Record<string, unknown>): string {
  return JSON.stringify({ EventGroupId: 1, EventType: eventType, CallbackTs: 1687770731932, EventInfo: { EventTs: 1687770731, EventMsTs: 1687770731831, UserId: "member_1", Role: 21, TerminalType: 2, UserType: 3, ...info } });
}

type StoredEvent = { event_type: number; user_id: string; at_ms: number; reason: number | null; role: number | null };

async function eventsIn(roomId: string): Promise<StoredEvent[]> {
  return runInDurableObject(env.ROOM.getByName(roomId), (_room, state) =>
    state.storage.sql.exec<StoredEvent>("SELECT event_type, user_id, at_ms, reason, role FROM trtc_events ORDER BY at_ms").toArray(),
  );
}

const freshRoomNumber = () => Math.floor(Math.random() * 1e9);

describe("POST /webhooks/trtc", () => {
  it("records a signed enter-room callback in its room and answers 200", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    const response = await postCallback(callback(103, { RoomId: roomId, Reason: 1 }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ code: 0, outcome: "recorded" });
    expect(await eventsIn(roomId)).toEqual([{ event_type: 103, user_id: "member_1", at_ms: 1687770731831, reason: null, role: 21 }]);
  });

  it("answers 401 bad_signature to a wrong signature and records nothing", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    const body = callback(103, { RoomId: roomId });
    const response = await postCallback(body, { Sign: await sign(body, "someone-elses-key") });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("bad_signature");
    expect(await eventsIn(roomId)).toEqual([]);
  });

  it("answers 401 to a missing or garbled signature", async () => {
    const body = callback(103, { RoomId: "ama-unsigned" });
    expect((await postCallback(body, { Sign: null })).status).toBe(401);
    expect((await postCallback(body, { Sign: "%%% not base64" })).status).toBe(401);
  });

  it("answers 401 when the signed body was changed on the way", async () => {
    const body = callback(103, { RoomId: "ama-tampered" });
    const response = await postCallback(body.replace("member_1", "member_2"), { Sign: await sign(body) });
    expect(response.status).toBe(401);
  });

  it("records a retried callback once: the retry answers 200 duplicate", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    const body = callback(104, { RoomId: roomId, Reason: trtcExitReasons.normal });
    expect((await postCallback(body)).json.outcome).toBe("recorded");
    const retry = await postCallback(body);
    expect(retry.status).toBe(200);
    expect(retry.json.outcome).toBe("duplicate");
    expect(await eventsIn(roomId)).toHaveLength(1);
  });

  it("takes a numeric RoomId and its string form to the same room, as one event", async () => {
    const roomNumber = freshRoomNumber();
    expect((await postCallback(callback(103, { RoomId: roomNumber }))).json.outcome).toBe("recorded");
    expect((await postCallback(callback(103, { RoomId: String(roomNumber) }))).json.outcome).toBe("duplicate");
    expect((await postCallback(callback(104, { RoomId: String(roomNumber), EventMsTs: 1687770791000, Reason: 1 }))).json.outcome).toBe("recorded");
    expect((await eventsIn(String(roomNumber))).map((event) => event.event_type)).toEqual([103, 104]);
  });

  it("records an exit by timeout with its reason", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    await postCallback(callback(104, { RoomId: roomId, Role: 20, Reason: trtcExitReasons.timeout }));
    expect(await eventsIn(roomId)).toEqual([{ event_type: 104, user_id: "member_1", at_ms: 1687770731831, reason: trtcExitReasons.timeout, role: 20 }]);
  });

  it("falls back to EventTs in seconds when EventMsTs is absent", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    await postCallback(JSON.stringify({ EventGroupId: 1, EventType: 103, CallbackTs: 1687770731932, EventInfo: { RoomId: roomId, EventTs: 1687770731, UserId: "member_1" } }));
    expect((await eventsIn(roomId))[0]).toMatchObject({ at_ms: 1687770731000, role: null });
  });

  it("acknowledges and ignores other event types (room dismissed, audio started)", async () => {
    const roomId = `ama-${crypto.randomUUID()}`;
    const dismissed = await postCallback(JSON.stringify({ EventGroupId: 1, EventType: 102, CallbackTs: 1687771618531, EventInfo: { RoomId: roomId, EventTs: 1687771618, EventMsTs: 1687771618457 } }));
    expect(dismissed.status).toBe(200);
    expect(dismissed.json).toEqual({ code: 0, outcome: "ignored" });
    expect((await postCallback(callback(203, { RoomId: roomId }))).json.outcome).toBe("ignored");
    expect(await eventsIn(roomId)).toEqual([]);
  });

  it("answers 413 to a body over 64 KiB before checking anything", async () => {
    const body = callback(103, { RoomId: "ama-big", Padding: "x".repeat(70 * 1024) });
    const response = await postCallback(body);
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe("payload_too_large");
  });

  it("answers 403 when the SdkAppId header is another application's", async () => {
    const response = await postCallback(callback(103, { RoomId: "ama-other-app" }), { SdkAppId: "1400999999" });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe("sdk_app_id_mismatch");
  });

  it("answers 400 to a signed body that is not JSON, and 422 to a presence event without a user", async () => {
    expect((await postCallback("{not json")).status).toBe(400);
    const noUser = await postCallback(JSON.stringify({ EventGroupId: 1, EventType: 103, CallbackTs: 1, EventInfo: { RoomId: "ama-x", EventTs: 1687770731 } }));
    expect(noUser.status).toBe(422);
    expect(noUser.json.error.fields[0].path).toContain("UserId");
  });

  it("is in the OpenAPI document with no security requirement", async () => {
    const document = (await call("GET", "/openapi.json", { token: null })).json;
    expect(document.paths["/webhooks/trtc"].post.security).toEqual([]);
  });
});
