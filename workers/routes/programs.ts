import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { asc, eq, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { programs } from "../../db/schema";
import { buildProgramConfig, updateProgramConfig } from "../../domain/programs/build-program-config";
import { ProgramConfigSchema } from "../../domain/programs/program-config";
import { presetNames } from "../../domain/programs/presets";
import type { AppEnv } from "../app-env";
import { randomToken } from "../auth/crypto";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema } from "../idempotency/idempotency-key";
import { runOperatorWrite } from "../idempotency/operator-idempotency";
import { findProgram, forgetProgram } from "../programs/program-directory";
import { operatorSecurity, IdParamsSchema } from "../schemas/common";
import { NextCursorSchema, PageQuerySchema, decodeCursor, encodeCursor } from "../schemas/paging";

export const ProgramSchema = z
  .object({
    id: z.string().openapi({ example: "prg_8f2k3m9x1q4w7e5r6t2y" }),
    name: z.string(),
    preset: z.enum(presetNames),
    config: ProgramConfigSchema,
    createdAt: z.string(),
  })
  .openapi("Program");

const CreateProgramSchema = z
  .object({
    name: z.string().trim().min(1).max(120).openapi({ example: "Harbour Street Coalition" }),
    preset: z.enum(presetNames).openapi({ description: "Starting configuration (ARCHITECTURE §4)" }),
    overrides: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ type: "object", additionalProperties: true, description: "Partial ProgramConfig merged over the preset (objects merge, arrays replace)", example: { earn: { firstVisitBonus: 150 } } }),
  })
  .strict()
  .openapi("CreateProgram");


const updateConfig = createRoute({
  operationId: "updateProgramConfig",
  method: "patch",
  path: "/{id}/config",
  tags: ["Programs"],
  summary: "Change a program's configuration (tiers, earn rules, community actions, gates…): overrides merged over the current config, validated",
  description:
    "Objects merge and arrays replace, as at creation; a gate named under community.gates is replaced whole, and null removes it. Members' actors take the new rules with their next write.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    params: IdParamsSchema,
    headers: IdempotencyKeyHeaderSchema,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              overrides: z
                .record(z.string(), z.unknown())
                .openapi({ type: "object", additionalProperties: true, example: { community: { gates: { vote: { all: [{ tierAtLeast: "GOLD" }, { walletLinked: true }] } } } } }),
            })
            .strict()
            .openapi("UpdateProgramConfig"),
        },
      },
    },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: ProgramSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 422),
  },
});

const createProgram = createRoute({
  operationId: "createProgram",
  method: "post",
  path: "/",
  tags: ["Programs"],
  summary: "Create a program from a preset plus overrides",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: CreateProgramSchema } } },
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: ProgramSchema } } },
    ...errorResponses(400, 401, 403, 413, 422),
  },
});

const listPrograms = createRoute({
  operationId: "listPrograms",
  method: "get",
  path: "/",
  tags: ["Programs"],
  summary: "List programs",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: "A page of programs",
      content: { "application/json": { schema: z.object({ programs: z.array(ProgramSchema), nextCursor: NextCursorSchema }) } },
    },
    ...errorResponses(400, 401, 403, 422),
  },
});

const getProgram = createRoute({
  operationId: "getProgram",
  method: "get",
  path: "/{id}",
  tags: ["Programs"],
  summary: "Get a program and its configuration",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "The program", content: { "application/json": { schema: ProgramSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

export const programRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

programRoutes.openapi(createProgram, async (c) => {
  const body = c.req.valid("json");
  const program = await runOperatorWrite(c, "create_program", body, async () => {
    const built = buildProgramConfig(body.preset, body.overrides);
    if (!built.ok) {
      const summary = built.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
      throw new ApiError(422, "validation_failed", `Invalid program configuration: ${summary}`, { fields: built.issues });
    }
    const program = {
      id: `prg_${randomToken(20)}`,
      name: body.name,
      preset: body.preset,
      config: built.config,
      createdAt: new Date().toISOString(),
    };
    return { body: program, writes: [drizzle(c.env.DB).insert(programs).values(program)] };
  });
  return c.json(program, 201);
});

programRoutes.openapi(updateConfig, async (c) => {
  const { id } = c.req.valid("param");
  const { overrides } = c.req.valid("json");
  const program = await runOperatorWrite(c, "update_program_config", { id, overrides }, async () => {
    const current = await findProgram(c.env.DB, id);
    const built = updateProgramConfig(current.config, overrides);
    if (!built.ok) {
      const summary = built.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
      throw new ApiError(422, "validation_failed", `Invalid program configuration: ${summary}`, { fields: built.issues });
    }
    const updated = { id: current.id, name: current.name, preset: current.preset, config: built.config, createdAt: current.createdAt };
    return { body: updated, writes: [drizzle(c.env.DB).update(programs).set({ config: built.config }).where(eq(programs.id, id))] };
  });
  forgetProgram(id);
  return c.json(ProgramSchema.parse(program), 200);
});

programRoutes.openapi(listPrograms, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor ? decodeCursor(cursor, 1)[0] : "";
  const rows = await drizzle(c.env.DB)
    .select()
    .from(programs)
    .where(gt(programs.id, after))
    .orderBy(asc(programs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map((row) => ProgramSchema.parse(row));
  const nextCursor = rows.length > limit ? encodeCursor([page[page.length - 1].id]) : null;
  return c.json({ programs: page, nextCursor }, 200);
});

programRoutes.openapi(getProgram, async (c) => {
  const program = await findProgram(c.env.DB, c.req.valid("param").id);
  return c.json(ProgramSchema.parse(program), 200);
});
