import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { liveEvents } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { IdParamsSchema, memberSecurity, operatorSecurity } from "../schemas/common";
import { trtcConfigFromEnv, trtcPrivateMapKey, trtcUserSig } from "../tencent/user-sig";
import { eventForMember, memberTierRank } from "./events";
import { signedInMember } from "./me";

const AudioSchema = z.object({
  roomId: z.string().openapi({ description: "The TRTC room id: the event id, a string (enter it with strRoomId, never as a number)" }),
  sdkAppId: z.number().int(),
  userId: z.string(),
  userSig: z.string().openapi({ description: "Your TRTC UserSig (2 hours)" }),
  privateMapKey: z.string().openapi({ description: "This room only: the host talks, members listen; 10 minutes" }),
});

const JoinAnswerSchema = z
  .object({
    eventId: z.string(),
    role: z.enum(["host", "attendee"]),
    socketUrl: z.string().openapi({ description: "The event's WebSocket: counts, Q&A, polls and your present time, as sequenced frames" }),
    audio: AudioSchema.nullable().openapi({ description: "TRTC credentials when the event has audio, else null" }),
  })
  .openapi("LiveEventJoin");

const joinEvent = createRoute({
  operationId: "joinEvent",
  method: "post",
  path: "/{id}/join",
  tags: ["Live events"],
  summary: "What my browser needs to enter the event (registered members and the host only)",
  security: memberSecurity,
  middleware: [requireMember()],
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Credentials for this event", content: { "application/json": { schema: JoinAnswerSchema } } }, ...errorResponses(401, 403, 404, 409) },
});

const closeSockets = createRoute({
  operationId: "closeEventSockets",
  method: "post",
  path: "/{id}/sockets/close",
  tags: ["Live events"],
  summary: "Close every socket of the event as a deploy would (operator); pages reconnect and resume from their last sequence number",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })],
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Closed", content: { "application/json": { schema: z.object({ closed: z.number().int() }) } } }, ...errorResponses(401, 403, 404) },
});

export const eventRoomRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

eventRoomRoutes.openapi(closeSockets, async (c) => {
  const { id } = c.req.valid("param");
  const [row] = await drizzle(c.env.DB).select({ id: liveEvents.id }).from(liveEvents).where(eq(liveEvents.id, id));
  if (!row) throw new ApiError(404, "event_not_found", `No event ${id}`);
  return c.json(await callActor(c.env.EVENT, id, (stub) => stub.closeSockets()), 200);
});

eventRoomRoutes.openapi(joinEvent, async (c) => {
  const member = signedInMember(c.get("principal"));
  const event = await eventForMember(c.env.DB, c.req.valid("param").id, member.programId);
  if (Date.now() >= event.startsAtMs + event.lengthMinutes * 60_000) throw new ApiError(409, "event_ended", "This event has ended");
  if (!(await callActor(c.env.EVENT, event.id, (stub) => stub.mayJoin(member.memberId)))) throw new ApiError(403, "not_registered", "Only registered members join; register first (a waitlisted member joins once promoted)");
  const role = event.hostMemberId === member.memberId ? ("host" as const) : ("attendee" as const);
  const socketUrl = new URL(`/v1/events/${event.id}/socket`, c.env.APP_ORIGIN);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
  let audio: z.infer<typeof AudioSchema> | null = null;
  if (event.hasAudio) {
    const config = trtcConfigFromEnv(c.env);
    audio = {
      roomId: event.id,
      sdkAppId: config.sdkAppId,
      userId: member.memberId,
      userSig: trtcUserSig(config, member.memberId),
      privateMapKey: trtcPrivateMapKey(config, member.memberId, event.id, role === "host" ? "speaker" : "listener"),
    };
  }
  return c.json({ eventId: event.id, role, socketUrl: socketUrl.toString(), audio }, 200);
});

eventRoomRoutes.openAPIRegistry.registerPath({
  operationId: "eventSocket",
  method: "get",
  path: "/{id}/socket",
  tags: ["Live events"],
  summary: "The event's WebSocket (session cookie; Origin must be this site; registered members and the host)",
  description:
    "Frames are JSON, one zod union each way (domain/events/frames.ts). Send `hello` (or `?lastSeq=`) with the last sequence number applied to get exactly the changes missed, or a snapshot; `heartbeat` every 20 s with `lastSeq` (present time and milestones); `visibility`; `ask`, `upvote`, `vote`; the host's `answer`, `hide`, `open_poll`, `close_poll`. Close codes: 4008 too far behind (reconnect), 1012 restarted (reconnect).",
  security: memberSecurity,
  request: { params: IdParamsSchema, query: z.object({ lastSeq: z.string().regex(/^\d{1,12}$/).optional() }) },
  responses: { 101: { description: "Switching protocols: the event's socket" }, ...errorResponses(401, 403, 404) },
});

/** The event's WebSocket: the session and the Origin are checked here, before the upgrade; the actor learns who from the Worker. */
eventRoomRoutes.get("/:id/socket", requireMember(), async (c) => {
  if (c.req.header("Upgrade") !== "websocket") throw new ApiError(426, "upgrade_required", "This is the event's WebSocket: connect with a WebSocket client");
  if (c.req.header("Origin") !== new URL(c.env.APP_ORIGIN).origin) throw new ApiError(403, "origin_mismatch", "The event's socket opens only from this site's pages");
  const member = signedInMember(c.get("principal"));
  const event = await eventForMember(c.env.DB, c.req.param("id"), member.programId);
  const { tierRank } = await memberTierRank(c.env, member);
  const lastSeq = c.req.query("lastSeq");
  const forwarded = new URL(`https://event/${event.id}`);
  if (lastSeq !== undefined && /^\d{1,12}$/.test(lastSeq)) forwarded.searchParams.set("lastSeq", lastSeq);
  const upgraded = await c.env.EVENT.getByName(event.id).fetch(forwarded.toString(), { headers: { Upgrade: "websocket", "X-Member-Id": member.memberId, "X-Tier-Rank": String(tierRank) } });
  if (upgraded.status === 403) throw new ApiError(403, "not_registered", "Only registered members enter the event; register first");
  return upgraded;
});
