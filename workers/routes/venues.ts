import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { venues } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { assertProgramAccess } from "../auth/principal";
import { randomToken } from "../auth/crypto";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema } from "../idempotency/idempotency-key";
import { runOperatorWrite } from "../idempotency/operator-idempotency";
import { forgetProgramVenues } from "../ledger/contexts";
import { findProgram } from "../programs/program-directory";
import { TimeZoneSchema, operatorOrVenueSecurity, operatorSecurity, IdParamsSchema } from "../schemas/common";

export const VenueSchema = z
  .object({
    id: z.string().openapi({ example: "ven_4n8b2v6c1x9z3m7k5j0h" }),
    programId: z.string(),
    name: z.string(),
    timezone: z.string(),
    participatesInCoalition: z.boolean(),
    earnRatePerDollar: z.number().nullable().openapi({ description: "Points per $1 at this venue; null uses the program's rate" }),
    allowCrossVenueRedemption: z.boolean(),
    maxCrossVenueRedemptionPercent: z.number().int(),
    revenueSharePercent: z.number(),
    createdAt: z.string(),
  })
  .openapi("Venue");

const CreateVenueSchema = z
  .object({
    name: z.string().trim().min(1).max(120).openapi({ example: "Harbour Street Pizza" }),
    timezone: TimeZoneSchema.optional().openapi({ description: "Defaults to the program's time zone" }),
    participatesInCoalition: z.boolean().default(true),
    earnRatePerDollar: z.number().min(0).max(100).nullable().default(null),
    allowCrossVenueRedemption: z.boolean().default(true),
    maxCrossVenueRedemptionPercent: z.number().int().min(0).max(100).default(100),
    revenueSharePercent: z.number().min(0).max(100).default(0),
  })
  .strict()
  .openapi("CreateVenue");


const createVenue = createRoute({
  operationId: "createVenue",
  method: "post",
  path: "/{id}/venues",
  tags: ["Venues"],
  summary: "Add a venue to a program",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: CreateVenueSchema } } },
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: VenueSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422),
  },
});

const listVenues = createRoute({
  operationId: "listVenues",
  method: "get",
  path: "/{id}/venues",
  tags: ["Venues"],
  summary: "List a program's venues",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "The venues", content: { "application/json": { schema: z.object({ venues: z.array(VenueSchema) }) } } },
    ...errorResponses(401, 403, 404),
  },
});

/** Mounted under /v1/programs: a venue always belongs to one program. */
export const venueRoutes = new OpenAPIHono<AppEnv>({ defaultHook });


venueRoutes.openapi(createVenue, async (c) => {
  const { id: programId } = c.req.valid("param");
  const body = c.req.valid("json");
  const venue = await runOperatorWrite(c, "create_venue", body, async () => {
    const program = await findProgram(c.env.DB, programId);
    const venue = {
      id: `ven_${randomToken(20)}`,
      programId,
      ...body,
      timezone: body.timezone ?? program.config.timezone,
      createdAt: new Date().toISOString(),
    };
    return { body: venue, writes: [drizzle(c.env.DB).insert(venues).values(venue)] };
  });
  forgetProgramVenues(programId);
  return c.json(venue, 201);
});

venueRoutes.openapi(listVenues, async (c) => {
  const { id: programId } = c.req.valid("param");
  assertProgramAccess(c.get("principal"), programId);
  await findProgram(c.env.DB, programId);
  const rows = await drizzle(c.env.DB).select().from(venues).where(eq(venues.programId, programId)).orderBy(asc(venues.createdAt));
  return c.json({ venues: rows.map((row) => VenueSchema.parse(row)) }, 200);
});
