import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../index";
import { chainRpc } from "../../test/token-chain";

const watcherCursor = async () => (await env.CHAIN_WATCHER.getByName("watcher").status()).cursor?.number ?? null;

describe("the chain cron", () => {
  it("has the chain watcher read new token logs every five minutes, and leaves it alone on the hourly cron", async () => {
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
    expect(await watcherCursor()).toBeNull();

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect(await watcherCursor()).toBe(Number(await chainRpc("eth_blockNumber")));
  });
});
