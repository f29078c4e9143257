import { describe, expect, it } from "vitest";
import { defaultTiming, deploymentTiming } from "./settler-timing";

describe("the settler's timing from the deployment's vars", () => {
  it("waits SETTLEMENT_BATCH_WAIT_SECONDS for a batch, so npm start settles a demo payout in seconds", () => {
    expect(deploymentTiming({ SETTLEMENT_BATCH_WAIT_SECONDS: "2" })).toEqual({ ...defaultTiming, waitMaxMs: 2_000 });
    expect(deploymentTiming({ SETTLEMENT_BATCH_WAIT_SECONDS: "300" }).waitMaxMs).toBe(5 * 60_000);
  });

  it("keeps the 5-minute wait when the var is unset or unreadable, never settling at once by mistake", () => {
    for (const value of [undefined, "", " ", "soon", "-1"]) expect(deploymentTiming({ SETTLEMENT_BATCH_WAIT_SECONDS: value }).waitMaxMs).toBe(defaultTiming.waitMaxMs);
  });
});
