import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { accessFor } from "../gates/gate-facts";
import { memberSecurity } from "../schemas/common";
import { signedInMember } from "./me";

export const UnmetLeafSchema = z
  .object({
    leaf: z.enum(["tierAtLeast", "lifetimePointsAtLeast", "walletLinked", "accountAgeDaysAtLeast", "streakDaysAtLeast", "tokenBalanceAtLeast"]),
    required: z.union([z.string(), z.number(), z.boolean()]),
    current: z.union([z.string(), z.number(), z.boolean()]),
    negated: z.literal(true).optional(),
  })
  .openapi("UnmetGateLeaf");

const AccessSchema = z
  .object({ gates: z.array(z.object({ gate: z.string(), pass: z.boolean(), unmet: z.array(UnmetLeafSchema) })) })
  .openapi("MyAccess");

const myAccess = createRoute({
  operationId: "myAccess",
  method: "get",
  path: "/access",
  tags: ["Me"],
  summary: "Every gate of my program (channels, scheduling an AMA, creating an event, proposing, voting): pass, or what is missing",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "Gates", content: { "application/json": { schema: AccessSchema } } }, ...errorResponses(401, 404) },
});

/** Mounted under /v1/me. */
export const meAccessRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meAccessRoutes.openapi(myAccess, async (c) => {
  const member = signedInMember(c.get("principal"));
  const access = await accessFor(c.env, member.memberId);
  return c.json({ gates: access.map(({ gate, result }) => ({ gate, pass: result.pass, unmet: result.pass ? [] : result.unmet })) }, 200);
});
