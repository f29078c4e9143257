import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";

const health = createRoute({
  operationId: "health",
  method: "get",
  path: "/",
  tags: ["Meta"],
  summary: "Liveness (does no I/O; the benchmark's baseline route)",
  security: [],
  responses: {
    200: { description: "Up", content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } } },
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>();
healthRoutes.openapi(health, (c) => c.json({ ok: true as const }, 200));
