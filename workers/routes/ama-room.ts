import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { amas } from "../../db/schema";
import { RoomViewSchema } from "../../domain/rooms/frames";
import { tierIndex } from "../../domain/tiers/qualification";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { findProgram } from "../programs/program-directory";
import { requireAuth } from "../auth/require-auth";
import { IdParamsSchema, memberSecurity, operatorSecurity } from "../schemas/common";
import { trtcConfigFromEnv, trtcPrivateMapKey, trtcUserSig } from "../tencent/user-sig";
import { AmaSchema, amaForMember, toAma } from "./amas";
import { signedInMember } from "./me";

const JoinAnswerSchema = z
  .object({
    amaId: z.string(),
    roomId: z.string().openapi({ description: "The TRTC room id: the AMA id, a string (enter it with TRTC's strRoomId, never as a number)" }),
    sdkAppId: z.number().int(),
    userId: z.string().openapi({ description: "Your TRTC user id" }),
    userSig: z.string().openapi({ description: "Your TRTC UserSig (2 hours)" }),
    privateMapKey: z.string().openapi({ description: "This room only: enter and hear (a listener), or also talk (the host and speakers); 10 minutes, ask again after a promotion" }),
    role: z.enum(["host", "speaker", "listener"]),
    socketUrl: z.string().openapi({ description: "The room's WebSocket: the speaker queue, hands, host actions and your attendance, as sequenced frames" }),
  })
  .openapi("AmaJoin");

const AmaDetailSchema = AmaSchema.extend({
  room: z.object({ seq: z.number().int(), state: RoomViewSchema }).nullable(),
  attendance: z.object({ attendedMs: z.number().int(), thresholdMs: z.number().int(), credit: z.enum(["not_yet", "owed", "paid", "refused"]) }).nullable(),
}).openapi("AmaDetail");

const memberRoute = { tags: ["AMAs"], security: memberSecurity, middleware: [requireMember()], request: { params: IdParamsSchema } };

const getAma = createRoute({
  ...memberRoute,
  operationId: "getAma",
  method: "get",
  path: "/{id}",
  summary: "An AMA of my program with its room's state and my attendance so far",
  responses: { 200: { description: "The AMA", content: { "application/json": { schema: AmaDetailSchema } } }, ...errorResponses(401, 404) },
});
const joinAma = createRoute({
  ...memberRoute,
  operationId: "joinAma",
  method: "post",
  path: "/{id}/join",
  summary: "What my browser needs to enter the AMA's TRTC room and its socket",
  responses: { 200: { description: "Credentials for this room", content: { "application/json": { schema: JoinAnswerSchema } } }, ...errorResponses(401, 404, 409) },
});
const hostAction = (type: "start" | "end") =>
  createRoute({
    ...memberRoute,
    operationId: `${type}Ama`,
    method: "post",
    path: `/{id}/${type}`,
    summary: type === "start" ? "Start the AMA (its host)" : "End the AMA (its host); attendance of 15 minutes or more is credited",
    responses: { 200: { description: type === "start" ? "Live" : "Ended", content: { "application/json": { schema: AmaSchema } } }, ...errorResponses(401, 403, 404, 409) },
  });

const closeSockets = createRoute({
  operationId: "closeAmaSockets",
  method: "post",
  path: "/{id}/sockets/close",
  tags: ["AMAs"],
  summary: "Close every socket of the AMA's room as a deploy would (operator); pages reconnect and resume from their last sequence number",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })],
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Closed", content: { "application/json": { schema: z.object({ closed: z.number().int() }) } } }, ...errorResponses(401, 403, 404) },
});

export const amaRoomRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

amaRoomRoutes.openapi(closeSockets, async (c) => {
  const { id } = c.req.valid("param");
  const [row] = await drizzle(c.env.DB).select({ id: amas.id }).from(amas).where(eq(amas.id, id));
  if (!row) throw new ApiError(404, "ama_not_found", `No AMA ${id}`);
  return c.json(await callActor(c.env.ROOM, id, (stub) => stub.closeSockets()), 200);
});

amaRoomRoutes.openapi(getAma, async (c) => {
  const member = signedInMember(c.get("principal"));
  const ama = await amaForMember(c.env.DB, c.req.valid("param").id, member.programId);
  const [room, attendance] = await callActor(c.env.ROOM, ama.id, async (stub) => [await stub.snapshot(), await stub.attendance(member.memberId)] as const);
  return c.json({ ...toAma(ama), room, attendance }, 200);
});

amaRoomRoutes.openapi(joinAma, async (c) => {
  const member = signedInMember(c.get("principal"));
  const ama = await amaForMember(c.env.DB, c.req.valid("param").id, member.programId);
  if (ama.status === "ended") throw new ApiError(409, "ama_ended", "This AMA has ended");
  const room = await callActor(c.env.ROOM, ama.id, (stub) => stub.snapshot());
  // An invited (promoted) member gets a speaker's key too: without it they could not talk, so could never take the stage.
  const onStage: "host" | "speaker" | "listener" =
    ama.hostMemberId === member.memberId
      ? "host"
      : room?.state.speakers.some((speaker) => speaker.memberId === member.memberId) || room?.state.promoted.some((promotion) => promotion.memberId === member.memberId)
        ? "speaker"
        : "listener";
  const config = trtcConfigFromEnv(c.env);
  const socketUrl = new URL(`/v1/amas/${ama.id}/socket`, c.env.APP_ORIGIN);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
  return c.json(
    {
      amaId: ama.id,
      roomId: ama.id,
      sdkAppId: config.sdkAppId,
      userId: member.memberId,
      userSig: trtcUserSig(config, member.memberId),
      privateMapKey: trtcPrivateMapKey(config, member.memberId, ama.id, onStage === "listener" ? "listener" : "speaker"),
      role: onStage,
      socketUrl: socketUrl.toString(),
    },
    200,
  );
});

/** Start and end are the host's: the room decides (403 not_host for anyone else) and the directory follows. */
for (const type of ["start", "end"] as const) {
  amaRoomRoutes.openapi(hostAction(type), async (c) => {
    const member = signedInMember(c.get("principal"));
    const ama = await amaForMember(c.env.DB, c.req.valid("param").id, member.programId);
    const outcome = await callActor(c.env.ROOM, ama.id, (stub) => stub.command({ type, by: member.memberId }));
    if (!outcome.ok) throw new ApiError(outcome.status as 403 | 404 | 409 | 422, outcome.code, outcome.message);
    const status = type === "start" ? ("live" as const) : ("ended" as const);
    await drizzle(c.env.DB).update(amas).set({ status }).where(eq(amas.id, ama.id));
    return c.json({ ...toAma(ama), status }, 200);
  });
}

amaRoomRoutes.openAPIRegistry.registerPath({
  operationId: "amaSocket",
  method: "get",
  path: "/{id}/socket",
  tags: ["AMAs"],
  summary: "The AMA room's WebSocket (session cookie; Origin must be this site)",
  description:
    "Frames are JSON, one zod union each way (domain/rooms/frames.ts). Send `hello` (or `?lastSeq=`) with the last sequence number applied to get exactly the changes missed, or a snapshot; `heartbeat` every 20 s with `lastSeq`; `visibility` when the page is hidden or shown; `raise_hand`, `lower_hand`, `take_stage`; the host's `start`, `end`, `promote`, `demote`, `mute`, `remove`. Close codes: 4003 removed by the host, 4008 too far behind (reconnect), 1012 the room restarted (reconnect).",
  security: memberSecurity,
  request: { params: IdParamsSchema, query: z.object({ lastSeq: z.string().regex(/^\d{1,12}$/).optional() }) },
  responses: { 101: { description: "Switching protocols: the room's socket" }, ...errorResponses(401, 403, 404) },
});

/**
 * The room's WebSocket. The session cookie is checked here, before the upgrade, and the Origin
 * must be this deployment's (a page elsewhere cannot open a socket with the member's cookie); the
 * room learns who the member is only from the Worker.
 */
amaRoomRoutes.get("/:id/socket", requireMember(), async (c) => {
  if (c.req.header("Upgrade") !== "websocket") throw new ApiError(426, "upgrade_required", "This is the AMA room's WebSocket: connect with a WebSocket client");
  if (c.req.header("Origin") !== new URL(c.env.APP_ORIGIN).origin) throw new ApiError(403, "origin_mismatch", "The room's socket opens only from this site's pages");
  const member = signedInMember(c.get("principal"));
  const ama = await amaForMember(c.env.DB, c.req.param("id"), member.programId);
  const [program, view] = await Promise.all([findProgram(c.env.DB, member.programId), callActor(c.env.MEMBER, member.memberId, (stub) => stub.view())]);
  if (view.status !== 200) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  const lastSeq = c.req.query("lastSeq");
  const forwarded = new URL(`https://room/${ama.id}`);
  if (lastSeq !== undefined && /^\d{1,12}$/.test(lastSeq)) forwarded.searchParams.set("lastSeq", lastSeq);
  const headers = new Headers({ Upgrade: "websocket", "X-Member-Id": member.memberId, "X-Tier-Rank": String(tierIndex(program.config.tiers, view.body.tier)) });
  const upgraded = await c.env.ROOM.getByName(ama.id).fetch(forwarded.toString(), { headers });
  if (upgraded.status === 403) throw new ApiError(403, "removed_from_ama", "The host removed you from this AMA");
  return upgraded;
});
