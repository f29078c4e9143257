import { describe, expect, it } from "vitest";
import { actorCallAttemptsMax, callActor } from "./call-actor";

const failure = (flags: { retryable?: boolean; overloaded?: boolean }) => Object.assign(new Error("actor failed"), flags);

function namespaceFailing(times: number, flags: { retryable?: boolean; overloaded?: boolean }) {
  let stubs = 0;
  const namespace = {
    getByName: () => {
      stubs++;
      return { ping: async () => (stubs <= times ? Promise.reject(failure(flags)) : "pong") };
    },
  };
  return { namespace, stubs: () => stubs };
}

describe("callActor", () => {
  it("retries a retryable failure on a fresh stub", async () => {
    const { namespace, stubs } = namespaceFailing(1, { retryable: true });
    await expect(callActor(namespace, "mem_x", (actor: { ping(): Promise<string> }) => actor.ping())).resolves.toBe("pong");
    expect(stubs()).toBe(2);
  });

  it("gives up after a bounded number of attempts", async () => {
    const { namespace, stubs } = namespaceFailing(10, { retryable: true });
    await expect(callActor(namespace, "mem_x", (actor: { ping(): Promise<string> }) => actor.ping())).rejects.toThrow("actor failed");
    expect(stubs()).toBe(actorCallAttemptsMax);
  });

  it("never retries an overloaded actor, nor an error that is not retryable", async () => {
    for (const flags of [{ retryable: true, overloaded: true }, {}]) {
      const { namespace, stubs } = namespaceFailing(1, flags);
      await expect(callActor(namespace, "mem_x", (actor: { ping(): Promise<string> }) => actor.ping())).rejects.toThrow();
      expect(stubs()).toBe(1);
    }
  });
});
