import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { validationError } from "../errors/handlers";
import { limitBody } from "../middleware/json-body";
import type { TrtcPresenceEvent } from "../../domain/rooms/presence-events";

/**
 * TRTC room and media callbacks (Tencent's "Room & Media Webhooks"). Tencent signs the raw body only:
 * header `Sign` = base64(HMAC-SHA256(callback key, body)), plus an unsigned `SdkAppId` header. So the
 * body is read as bytes (≤ 64 KiB) and verified before anything parses it. Callbacks carry no request
 * timestamp and are retried for about a minute; the room dedupes each event by its natural id.
 * Tencent waits 5 s for a 200: the only work here is one room RPC.
 */
export const trtcEventTypes = { enterRoom: 103, exitRoom: 104 } as const;

/**
 * 104's Reason per Tencent's callback docs: 1 normal exit, 2 timeout (also a killed app), 3 removed
 * from the room. (The client SDK's onExitRoom(reason) counts differently: 0 exitRoom, 1 kicked, 2
 * dismissed.) The value is passed through to the room as is.
 */
export const trtcExitReasons = { normal: 1, timeout: 2, removed: 3 } as const;

// Tencent's string room ids are at most 64 characters; a numeric one must be an exact integer.
const RoomIdSchema = z.union([z.string().min(1).max(64), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform(String);

const CallbackEnvelopeSchema = z.object({
  EventGroupId: z.number().int(),
  EventType: z.number().int(),
  CallbackTs: z.number(),
  EventInfo: z.record(z.string(), z.unknown()),
});

/** The fields of a 103/104 event we use; Tencent adds fields over time (TerminalType, UserType, …), so others pass. */
const PresenceInfoSchema = z.object({
  RoomId: RoomIdSchema,
  EventTs: z.number().int().positive(),
  EventMsTs: z.number().int().positive().optional(),
  UserId: z.string().min(1).max(64),
  Role: z.number().int().optional(),
  Reason: z.number().int().optional(),
});

const CallbackAnswerSchema = z
  .object({ code: z.literal(0), outcome: z.enum(["recorded", "duplicate", "ignored"]) })
  .openapi("TrtcCallbackAnswer");

/** The documented shape only (Tencent's own format; the handler parses the verified bytes itself). */
const CallbackDocSchema = z
  .object({
    EventGroupId: z.number().openapi({ example: 1 }),
    EventType: z.number().openapi({ description: "103 enter room, 104 exit room; others are ignored", example: 103 }),
    CallbackTs: z.number().openapi({ description: "When Tencent sent it, in ms", example: 1687770731932 }),
    EventInfo: z
      .object({
        RoomId: z.union([z.string(), z.number()]).openapi({ description: "The AMA id; a number and its string form are the same room", example: "ama_01HXYZ" }),
        EventTs: z.number().openapi({ description: "Seconds", example: 1687770731 }),
        EventMsTs: z.number().optional().openapi({ description: "Milliseconds (preferred when present)", example: 1687770731831 }),
        UserId: z.string().optional().openapi({ example: "member_1" }),
        Role: z.number().optional(),
        Reason: z.number().optional().openapi({ description: "For 104: 1 normal, 2 timeout, 3 removed" }),
      })
      .openapi({ additionalProperties: true }),
  })
  .openapi("TrtcCallback");

export const trtcWebhookRoutes = new OpenAPIHono<AppEnv>();

// Documented here, handled below with a plain handler: a validating route would parse the JSON before the signature check.
trtcWebhookRoutes.openAPIRegistry.registerPath({
  operationId: "trtcCallback",
  method: "post",
  path: "/trtc",
  tags: ["Webhooks"],
  summary: "TRTC room event callback (103 enter, 104 exit; other types are acknowledged and ignored)",
  description:
    "Called by Tencent, not by clients. Header `Sign` = base64(HMAC-SHA256(TRTC_CALLBACK_KEY, raw body)), checked in constant time before the body is parsed; header `SdkAppId` must be TRTC_SDK_APP_ID. RoomId may arrive as a number or a string; both name the same room.",
  security: [],
  request: {
    headers: z.object({ Sign: z.string(), SdkAppId: z.string() }),
    body: { content: { "application/json": { schema: CallbackDocSchema } } },
  },
  responses: {
    200: { description: "Accepted (recorded, a retried duplicate, or an ignored type)", content: { "application/json": { schema: CallbackAnswerSchema } } },
    ...errorResponses(400, 401, 403, 413, 422),
  },
});

trtcWebhookRoutes.post("/trtc", limitBody, async (c) => {
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  if (!(await signatureIsValid(c.env.TRTC_CALLBACK_KEY, c.req.header("Sign"), rawBody))) {
    throw new ApiError(401, "bad_signature", "The Sign header is missing or is not base64(HMAC-SHA256(callback key, body)); check TRTC_CALLBACK_KEY against Tencent's console");
  }
  if (c.req.header("SdkAppId") !== c.env.TRTC_SDK_APP_ID) {
    throw new ApiError(403, "sdk_app_id_mismatch", "The SdkAppId header is not this deployment's TRTC_SDK_APP_ID");
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new ApiError(400, "malformed_json", "The callback body is not JSON");
  }
  const envelope = CallbackEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw validationError(envelope.error, "body");
  const event = presenceEvent(envelope.data);
  if (event === null) return c.json({ code: 0 as const, outcome: "ignored" as const }, 200);
  const { recorded } = await c.env.ROOM.getByName(event.roomId).trtcEvent(event);
  return c.json({ code: 0 as const, outcome: recorded ? ("recorded" as const) : ("duplicate" as const) }, 200);
});

/** A 103/104 callback as the room records it; null for every other event type (acknowledged, ignored). */
function presenceEvent(envelope: z.infer<typeof CallbackEnvelopeSchema>): TrtcPresenceEvent | null {
  const eventType = envelope.EventType;
  if (eventType !== trtcEventTypes.enterRoom && eventType !== trtcEventTypes.exitRoom) return null;
  const info = PresenceInfoSchema.safeParse(envelope.EventInfo);
  if (!info.success) throw validationError(info.error, "body.EventInfo");
  return {
    eventType,
    roomId: info.data.RoomId,
    userId: info.data.UserId,
    atMs: info.data.EventMsTs ?? info.data.EventTs * 1000,
    reason: eventType === trtcEventTypes.exitRoom ? (info.data.Reason ?? null) : null,
    role: info.data.Role ?? null,
  };
}

/**
 * WebCrypto's HMAC verify compares in constant time. An unset key refuses everything: verifying with an
 * empty key would accept anyone who guessed that.
 */
async function signatureIsValid(callbackKey: string | undefined, sign: string | undefined, body: Uint8Array): Promise<boolean> {
  if (!callbackKey || !sign) return false;
  let mac: Uint8Array;
  try {
    mac = Uint8Array.from(atob(sign.trim()), (char) => char.charCodeAt(0));
  } catch {
    return false;
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(callbackKey), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, mac, body);
}
