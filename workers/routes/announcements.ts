import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import { chatAnnouncementDeliveries, chatAnnouncements } from "../../db/schema";
import { channelsForTierAndUp, chatGroupsOf } from "../../domain/channels/channel-set";
import type { AppEnv } from "../app-env";
import { randomToken } from "../auth/crypto";
import { requireAuth } from "../auth/require-auth";
import { enqueueChatSync } from "../channels/sync-messages";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema, requireIdempotencyKey } from "../idempotency/idempotency-key";
import { runOperatorWrite } from "../idempotency/operator-idempotency";
import { findProgram } from "../programs/program-directory";
import { IdParamsSchema, operatorSecurity } from "../schemas/common";

const gateName = z.string().regex(/^[a-z][a-zA-Z0-9:_-]{0,63}$/);

const CreateAnnouncementSchema = z
  .object({
    text: z.string().trim().min(1).max(2_000).openapi({ example: "The DIAMOND AMA starts in one hour." }),
    minTier: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/).optional().openapi({ description: "Post to every channel only members of this tier and above can open", example: "GOLD" }),
    channels: z.array(gateName).min(1).max(100).optional().openapi({ description: "Or: these channels, by gate name", example: ["channel:founders-room"] }),
  })
  .strict()
  .refine((body) => (body.minTier === undefined) !== (body.channels === undefined), "give exactly one of minTier or channels")
  .openapi("CreateAnnouncement");

const ChannelRefSchema = z.object({ gate: z.string(), groupId: z.string() });
const AnnouncementSchema = z
  .object({ id: z.string(), programId: z.string(), text: z.string(), channels: z.array(ChannelRefSchema), createdAt: z.string(), status: z.literal("queued") })
  .openapi("Announcement");
const AnnouncementStatusSchema = z
  .object({
    id: z.string(),
    programId: z.string(),
    text: z.string(),
    createdAt: z.string(),
    deliveries: z.array(
      ChannelRefSchema.extend({
        status: z.enum(["pending", "sent"]),
        attempts: z.number().int(),
        msgSeq: z.number().int().nullable(),
        lastError: z.string().nullable(),
      }),
    ),
  })
  .openapi("AnnouncementStatus");

const createAnnouncement = createRoute({
  operationId: "createAnnouncement",
  method: "post",
  path: "/{id}/announcements",
  tags: ["Channels"],
  summary: "Post an announcement to the program's Tencent Chat channels by tier (or by name)",
  description:
    "Recorded first, then sent by the chat-sync queue (send_group_msg to each group, retried with backoff until Tencent accepts it; the hourly cron re-sends what is still pending). Needs an Idempotency-Key: a replay answers the first answer.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, headers: IdempotencyKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: CreateAnnouncementSchema } } } },
  responses: { 202: { description: "Queued", content: { "application/json": { schema: AnnouncementSchema } } }, ...errorResponses(400, 401, 403, 404, 413, 422) },
});

const getAnnouncement = createRoute({
  operationId: "getAnnouncement",
  method: "get",
  path: "/{id}/announcements/{announcementId}",
  tags: ["Channels"],
  summary: "An announcement's delivery to each channel",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema.extend({ announcementId: z.string().min(1).max(64).openapi({ param: { name: "announcementId", in: "path" } }) }) },
  responses: { 200: { description: "Deliveries", content: { "application/json": { schema: AnnouncementStatusSchema } } }, ...errorResponses(401, 403, 404) },
});

/** Mounted under /v1/programs. */
export const announcementRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

announcementRoutes.openapi(createAnnouncement, async (c) => {
  const { id: programId } = c.req.valid("param");
  const body = c.req.valid("json");
  requireIdempotencyKey(c);
  const announcement = await runOperatorWrite(c, "create_announcement", body, async () => {
    const { config } = await findProgram(c.env.DB, programId);
    const groups = chatGroupsOf(config);
    let channels: { gate: string; groupId: string }[];
    if (body.minTier !== undefined) {
      const tiers = config.tiers.map((tier) => tier.code);
      if (!tiers.includes(body.minTier)) throw new ApiError(422, "unknown_tier", `minTier ${body.minTier} is not one of this program's tiers: ${tiers.join(", ")}`);
      channels = channelsForTierAndUp(config, body.minTier);
    } else {
      const unknown = body.channels!.filter((gate) => !Object.hasOwn(groups, gate));
      if (unknown.length > 0) throw new ApiError(422, "unknown_channel", `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not in the program's community.chatGroups`);
      channels = [...new Set(body.channels)].map((gate) => ({ gate, groupId: groups[gate] }));
    }
    // Two gates may share one group: it gets the message once.
    channels = channels.filter((channel, index) => channels.findIndex((other) => other.groupId === channel.groupId) === index);
    if (channels.length === 0) throw new ApiError(422, "no_channels", "No chat channel matches: map gates to Tencent Chat groups in community.chatGroups first");
    const record = { id: `ann_${randomToken(20)}`, programId, text: body.text, createdAt: new Date().toISOString() };
    const db = drizzle(c.env.DB);
    const deliveries = channels.map((channel) => ({
      announcementId: record.id,
      groupId: channel.groupId,
      gate: channel.gate,
      status: "pending" as const,
      random: crypto.getRandomValues(new Uint32Array(1))[0],
      attempts: 0,
      claimedUntilMs: 0,
    }));
    return { body: { ...record, channels, status: "queued" as const }, writes: [db.insert(chatAnnouncements).values(record), ...deliveries.map((delivery) => db.insert(chatAnnouncementDeliveries).values(delivery))] };
  });
  // Enqueued on the first call and on every replay: the consumer sends only what is still pending, and
  // the hourly cron re-enqueues a pending announcement whose message never made it to the queue.
  try {
    await enqueueChatSync(c.env, [{ v: 1, type: "announcement", announcementId: announcement.id }]);
  } catch (error) {
    console.error(`announcement ${announcement.id}: enqueue failed; the hourly cron sends it`, error);
  }
  return c.json(announcement, 202);
});

announcementRoutes.openapi(getAnnouncement, async (c) => {
  const { id: programId, announcementId } = c.req.valid("param");
  const announcement = await c.env.DB.prepare("SELECT id, program_id, text, created_at FROM chat_announcements WHERE id = ? AND program_id = ?")
    .bind(announcementId, programId)
    .first<{ id: string; program_id: string; text: string; created_at: string }>();
  if (!announcement) throw new ApiError(404, "announcement_not_found", `No announcement ${announcementId} in program ${programId}`);
  const deliveries = await c.env.DB.prepare("SELECT gate, group_id, status, attempts, msg_seq, last_error FROM chat_announcement_deliveries WHERE announcement_id = ? ORDER BY gate")
    .bind(announcementId)
    .all<{ gate: string; group_id: string; status: "pending" | "sent"; attempts: number; msg_seq: number | null; last_error: string | null }>();
  return c.json(
    {
      id: announcement.id,
      programId: announcement.program_id,
      text: announcement.text,
      createdAt: announcement.created_at,
      deliveries: deliveries.results.map((row) => ({ gate: row.gate, groupId: row.group_id, status: row.status, attempts: row.attempts, msgSeq: row.msg_seq, lastError: row.last_error })),
    },
    200,
  );
});
