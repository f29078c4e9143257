import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { appOrigin } from "../../test/sessions";
import { walletMember } from "../../test/token-payouts";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { onError } from "../errors/handlers";
import { requireGate } from "../middleware/require-gate";

/** A route for token holders only, as a program would gate one. */
const holdersApp = new Hono<AppEnv>().onError(onError).get("/holders", requireMember(), requireGate("holders"), (c) => c.json({ welcome: true }));
const enter = (cookie: string) => holdersApp.request("/holders", { headers: { Cookie: cookie, Origin: appOrigin } }, env, { waitUntil: () => {}, passThroughOnException: () => {}, props: {} });

describe("a token balance gate", () => {
  it("opens once the member's settled tokens reach the amount, counting reserved ones as not there yet", async () => {
    const member = await walletMember({ community: { gates: { holders: { tokenBalanceAtLeast: "1.5" } } } });
    await member.verify();
    await member.quest("q1");
    const cut = await member.cutAt(Date.now());
    const { intentId, tokenAmount } = cut.body as { intentId: string; tokenAmount: string };
    expect(BigInt(tokenAmount)).toBeGreaterThanOrEqual(15n * 10n ** 17n);

    const refused = await enter(member.cookie);
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: { code: string; unmet: unknown[] } };
    expect(body.error).toMatchObject({ code: "gate_failed", unmet: [{ leaf: "tokenBalanceAtLeast", required: "1.5", current: "0" }] });

    await member.stub.confirmTokenPayout({ v: memberRpcVersion, intentId, settlementId: 1, txHash: `0x${"cd".repeat(32)}`, atMs: Date.now() });
    expect((await enter(member.cookie)).status).toBe(200);
    const access = await member.asMember("GET", "/v1/me/access");
    expect(access.json.gates.find((gate: { gate: string }) => gate.gate === "holders")).toEqual({ gate: "holders", pass: true, unmet: [] });
  });
});
