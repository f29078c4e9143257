import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { myChannels } from "../channels/my-channels";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { memberSecurity } from "../schemas/common";
import { UnmetLeafSchema } from "./me-access";
import { signedInMember } from "./me";

const MyChannelsSchema = z
  .object({
    tier: z.string(),
    lifetimePoints: z.number().int(),
    channels: z.array(
      z.object({
        gate: z.string().openapi({ example: "channel:alpha-signals" }),
        name: z.string().openapi({ example: "#alpha-signals" }),
        groupId: z.string().openapi({ description: "The Tencent Chat group the channel is", example: "@TGS#2J4SZEAEL" }),
        open: z.boolean(),
        reason: z.string().openapi({ description: "Why, in words", example: "reach SILVER: 400 points to go" }),
        unmet: z.array(UnmetLeafSchema),
      }),
    ),
  })
  .openapi("MyChannels");

const listMyChannels = createRoute({
  operationId: "myChannels",
  method: "get",
  path: "/channels",
  tags: ["Me"],
  summary: "My program's tier-gated chat channels (Tencent Chat groups): open or closed, and why",
  description: "A channel is open when the member passes its gate. Membership of the Chat group follows within one sync of a tier change (the chat-sync queue), and the hourly reconciliation repairs drift.",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "Channels", content: { "application/json": { schema: MyChannelsSchema } } }, ...errorResponses(401, 404) },
});

/** Mounted under /v1/me. */
export const meChannelRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meChannelRoutes.openapi(listMyChannels, async (c) => {
  const member = signedInMember(c.get("principal"));
  return c.json(await myChannels(c.env, member.memberId), 200);
});
