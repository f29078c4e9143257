import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { intentFor, settler } from "../../test/settler";
import worker from "../index";

describe("the settlement cron", () => {
  it("runs only on the 5-minute schedule: the hourly one leaves the settler alone", async () => {
    await settler().acceptIntents([intentFor("m-cron", 3n)]);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
    expect(await settler().lastReconciliation()).toBeNull();
  });

  it("asks the settler to cut and reconciles every member it knows, even when the chain does not answer the cut", async () => {
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const run = await settler().lastReconciliation();
    expect(run).toMatchObject({ scope: "all", finishedAtMs: expect.any(Number) });
    expect(run!.membersChecked + run!.membersUnreachable).toBe(1);
  });
});
