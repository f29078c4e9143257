import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { venueKeys } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { randomToken, sha256Hex } from "../auth/crypto";
import { requireAuth, venueKeyCache, venueKeyPrefix } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { findVenue } from "../programs/program-directory";
import { operatorSecurity, IdParamsSchema } from "../schemas/common";

const VenueKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_2m4n6b8v0c1x3z5l7k9j" }),
    venueId: z.string(),
    programId: z.string(),
    prefix: z.string().openapi({ description: "First characters of the key, to tell keys apart", example: "vk_q3w8e1r5" }),
    label: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi("VenueKey");

const IssuedVenueKeySchema = VenueKeySchema.extend({
  key: z.string().openapi({ description: "The API key itself. Shown only in this answer; we store only its hash." }),
}).openapi("IssuedVenueKey");

const KeyParams = IdParamsSchema.extend({ keyId: z.string().min(1).max(64).openapi({ param: { name: "keyId", in: "path" } }) });

const issueKey = createRoute({
  operationId: "issueKey",
  method: "post",
  path: "/{id}/keys",
  tags: ["Venues"],
  summary: "Issue a venue API key (shown once, stored hashed)",
  description:
    "Every call issues a new key: the plain key is never stored, so it cannot be replayed. If an answer is lost, issue another key and revoke the unused one.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    body: {
      required: false,
      content: { "application/json": { schema: z.object({ label: z.string().trim().min(1).max(80).optional() }).strict() } },
    },
  },
  responses: {
    201: { description: "The new key", content: { "application/json": { schema: IssuedVenueKeySchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422),
  },
});

const listKeys = createRoute({
  operationId: "listKeys",
  method: "get",
  path: "/{id}/keys",
  tags: ["Venues"],
  summary: "List a venue's API keys (prefixes only)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "The keys", content: { "application/json": { schema: z.object({ keys: z.array(VenueKeySchema) }) } } },
    ...errorResponses(401, 403, 404),
  },
});

const revokeKey = createRoute({
  operationId: "revokeKey",
  method: "delete",
  path: "/{id}/keys/{keyId}",
  tags: ["Venues"],
  summary: "Revoke a venue API key",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: KeyParams },
  responses: {
    200: { description: "The revoked key", content: { "application/json": { schema: VenueKeySchema } } },
    ...errorResponses(401, 403, 404),
  },
});

export const venueKeyRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

venueKeyRoutes.openapi(issueKey, async (c) => {
  const venue = await findVenue(c.env.DB, c.req.valid("param").id);
  const label = c.req.header("content-length") && c.req.header("content-length") !== "0" ? c.req.valid("json").label : undefined;
  const key = `${venueKeyPrefix}${randomToken(32)}`;
  const record = {
    id: `key_${randomToken(20)}`,
    venueId: venue.id,
    programId: venue.programId,
    keyHash: sha256Hex(key),
    prefix: key.slice(0, 11),
    label: label ?? null,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await drizzle(c.env.DB).insert(venueKeys).values(record);
  const { keyHash: _hash, ...shown } = record;
  return c.json({ ...shown, key }, 201);
});

venueKeyRoutes.openapi(listKeys, async (c) => {
  const venue = await findVenue(c.env.DB, c.req.valid("param").id);
  const rows = await drizzle(c.env.DB)
    .select()
    .from(venueKeys)
    .where(eq(venueKeys.venueId, venue.id))
    .orderBy(asc(venueKeys.createdAt));
  return c.json({ keys: rows.map(({ keyHash: _hash, ...shown }) => shown) }, 200);
});

venueKeyRoutes.openapi(revokeKey, async (c) => {
  const { id: venueId, keyId } = c.req.valid("param");
  const db = drizzle(c.env.DB);
  await db
    .update(venueKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(venueKeys.id, keyId), eq(venueKeys.venueId, venueId), isNull(venueKeys.revokedAt)));
  const [row] = await db.select().from(venueKeys).where(and(eq(venueKeys.id, keyId), eq(venueKeys.venueId, venueId)));
  if (!row) throw new ApiError(404, "key_not_found", `Venue ${venueId} has no key ${keyId}`);
  const { keyHash, ...shown } = row;
  venueKeyCache.delete(keyHash);
  return c.json(shown, 200);
});
