import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { operatorSecurity } from "../schemas/common";
import { chainWatcherName } from "../token/poll-token-logs";

const ReorgReportSchema = z
  .object({
    id: z.number().int(),
    detectedAtMs: z.number().int(),
    kind: z.enum(["repaired", "deeper_than_window"]).openapi({ description: "repaired: rewound to the common ancestor and read again; deeper_than_window: the watcher stopped until an operator rebuilds" }),
    depth: z.number().int().openapi({ description: "Blocks the watcher had read past the common ancestor" }),
    ancestorBlock: z.number().int().nullable(),
    firstBlock: z.number().int(),
    lastBlock: z.number().int(),
    blocks: z.array(z.object({ number: z.number().int(), oldHash: z.string(), newHash: z.string().nullable() })),
    transfersReversed: z.number().int(),
    resolvedAtMs: z.number().int().nullable(),
  })
  .openapi("ReorgReport");

const WatcherStatusSchema = z
  .object({
    cursor: z.object({ number: z.number().int(), hash: z.string() }).nullable().openapi({ description: "The last block read (null before the first poll)" }),
    unpublished: z.number().int().openapi({ description: "Addresses whose figures D1 has not taken yet" }),
    reorgs: z.array(ReorgReportSchema).openapi({ description: "The newest reorg reports, newest first (at most 20)" }),
  })
  .openapi("ChainWatcherStatus");

const PollSummarySchema = z.object({ ok: z.boolean(), code: z.string().optional(), message: z.string().optional(), cursor: z.number().int().nullable().optional(), caughtUp: z.boolean().optional() });

const getWatcher = createRoute({
  operationId: "getChainWatcher",
  method: "get",
  path: "/watcher",
  tags: ["Token"],
  summary: "The chain watcher: its block cursor, D1 writes outstanding, and reorgs deeper than the confirmation depth",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  responses: { 200: { description: "Status", content: { "application/json": { schema: WatcherStatusSchema } } }, ...errorResponses(401, 403) },
});

const rebuildWatcher = createRoute({
  operationId: "rebuildChainWatcher",
  method: "post",
  path: "/watcher/rebuild",
  tags: ["Token"],
  summary: "Rebuild the token view from block 0: the way out of a reorg deeper than the watcher's kept block hashes",
  description: "Every address's figures read zero until the watcher has read the chain again (one poll, then its alarm, reads up to 20,000 blocks). Safe to repeat.",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  responses: {
    200: { description: "Rebuilding", content: { "application/json": { schema: z.object({ addressesReset: z.number().int(), poll: PollSummarySchema }) } } },
    ...errorResponses(401, 403),
  },
});

export const chainWatcherRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

chainWatcherRoutes.openapi(getWatcher, async (c) => c.json(await c.env.CHAIN_WATCHER.getByName(chainWatcherName).status(), 200));

chainWatcherRoutes.openapi(rebuildWatcher, async (c) => {
  const { addressesReset, poll } = await c.env.CHAIN_WATCHER.getByName(chainWatcherName).rebuild(Date.now());
  const summary = poll.ok ? { ok: true, cursor: poll.cursor, caughtUp: poll.caughtUp } : { ok: false, code: poll.code, message: poll.message };
  return c.json({ addressesReset, poll: summary }, 200);
});
