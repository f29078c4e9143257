import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { appOrigin, signInByLink } from "../../test/sessions";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { onError } from "../errors/handlers";
import { requireGate } from "../middleware/require-gate";

async function signedInCommunityMember(overrides?: object) {
  const program = await createProgram("Nebula", "community", overrides);
  const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `gate-${crypto.randomUUID()}` } });
  const { cookie } = await signInByLink(operatorToken, enrolled.json.id);
  return { program, memberId: enrolled.json.id as string, cookie };
}

/** A route a later issue would gate, e.g. voting. */
const gatedApp = new Hono<AppEnv>().onError(onError).post("/vote", requireMember(), requireGate("vote"), (c) => c.json({ voted: true }));
const vote = (cookie: string) => gatedApp.request("/vote", { method: "POST", headers: { Cookie: cookie, Origin: appOrigin } }, env, { waitUntil: () => {}, passThroughOnException: () => {}, props: {} });

describe("gates", () => {
  it("lists every gate of the community preset with pass or what is missing", async () => {
    const { cookie } = await signedInCommunityMember();
    const access = await call("GET", "/v1/me/access", { token: null, headers: { Cookie: cookie } });
    expect(access.status).toBe(200);
    const gate = (name: string) => access.json.gates.find((entry: { gate: string }) => entry.gate === name);
    expect(access.json.gates.map((entry: { gate: string }) => entry.gate)).toEqual(
      expect.arrayContaining(["channel:general", "channel:alpha-signals", "channel:founders-room", "channel:strategy-council", "scheduleAma", "createEvent", "propose", "vote"]),
    );
    expect(gate("channel:general")).toEqual({ gate: "channel:general", pass: true, unmet: [] });
    expect(gate("channel:alpha-signals").unmet).toEqual([{ leaf: "tierAtLeast", required: "SILVER", current: "BRONZE" }]);
    expect(gate("propose").unmet).toEqual([{ leaf: "tierAtLeast", required: "DIAMOND", current: "BRONZE" }]);
  });

  it("answers 403 gate_failed with required and current, and lets the member through once the requirement holds", async () => {
    const { program, memberId, cookie } = await signedInCommunityMember({ community: { actions: { big_win: { points: 2500, cooldownMinutes: 0 } } } });
    const refused = await vote(cookie);
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: { code: string; required: unknown[]; current: unknown[] } };
    expect(body.error).toMatchObject({ code: "gate_failed", required: [{ leaf: "tierAtLeast", value: "GOLD" }], current: [{ leaf: "tierAtLeast", value: "BRONZE" }] });
    await call("POST", `/v1/members/${memberId}/actions`, { body: { kind: "big_win", sourceId: "hackathon" }, headers: { "Idempotency-Key": newKey() } });
    expect((await vote(cookie)).status).toBe(200);

    // Operators edit gates through the validated config path: voting now also needs a linked wallet.
    const edited = await call("PATCH", `/v1/programs/${program.id}/config`, { body: { overrides: { community: { gates: { vote: { all: [{ tierAtLeast: "GOLD" }, { walletLinked: true }] } } } } } });
    expect(edited.status).toBe(200);
    expect(edited.json.config.community.gates.vote).toEqual({ all: [{ tierAtLeast: "GOLD" }, { walletLinked: true }] });
    const now = await vote(cookie);
    expect(now.status).toBe(403);
    expect(((await now.json()) as { error: { unmet: unknown[] } }).error.unmet).toEqual([{ leaf: "walletLinked", required: true, current: false }]);
    const bad = await call("PATCH", `/v1/programs/${program.id}/config`, { body: { overrides: { community: { gates: { vote: { tierAtLeast: "EMERALD" } } } } } });
    expect([bad.status, bad.json.error.code]).toEqual([422, "validation_failed"]);
    expect(bad.json.error.message).toContain("unknown tier EMERALD");
    const deep = await call("PATCH", `/v1/programs/${program.id}/config`, { body: { overrides: { community: { gates: { vote: JSON.parse("[".repeat(0) + '{"not":'.repeat(20) + '{"walletLinked":true}' + "}".repeat(20)) } } } } });
    expect([deep.status, deep.json.error.code]).toEqual([422, "validation_failed"]);
  });
});
