import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { jsonDepthMax } from "./json-depth";
import { requestBytesMax } from "./json-body";

/** An overrides object nested `levels` deep: `{"a":{"a":…{"a":1}…}}`. */
const nestedOverrides = (levels: number) => `{"overrides":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`;

const patchConfig = (programId: string, rawBody: string) =>
  call("PATCH", `/v1/programs/${programId}/config`, { rawBody, headers: { "Content-Type": "application/json", "Idempotency-Key": newKey("config") } });

describe("JSON bodies are bounded before parsing", () => {
  it("answers 400 body_too_deep, not 500, to a config nested 2,000 levels deep", async () => {
    const program = await createProgram("Deep", "community");
    const deep = await patchConfig(program.id, nestedOverrides(2000));
    expect([deep.status, deep.json.error.code]).toEqual([400, "body_too_deep"]);
    expect(deep.json.error.message).toContain(`${jsonDepthMax} levels`);
    const created = await call("POST", "/v1/programs", { rawBody: `{"name":"Deep","preset":"community","overrides":${nestedOverrides(500)}}`, headers: { "Content-Type": "application/json", "Idempotency-Key": newKey("program") } });
    expect([created.status, created.json.error.code]).toEqual([400, "body_too_deep"]);
  });

  it("still reads a body within the limit, brackets inside strings not counting", async () => {
    const program = await createProgram("Shallow", "community");
    const unknownKey = await patchConfig(program.id, nestedOverrides(jsonDepthMax - 1));
    expect([unknownKey.status, unknownKey.json.error.code]).toEqual([422, "validation_failed"]);
    const bracketsInAString = await call("POST", "/v1/programs", { body: { name: `${"[{".repeat(50)} Club`, preset: "community" }, headers: { "Idempotency-Key": newKey("program") } });
    expect(bracketsInAString.status).toBe(201);
    const changed = await patchConfig(program.id, JSON.stringify({ overrides: { earn: { firstVisitBonus: 150 } } }));
    expect(changed.status).toBe(200);
  });

  it("answers 400 malformed_json to a body that is not JSON, and 413 to one over the size limit, streamed or not", async () => {
    const malformed = await call("POST", "/v1/programs", { rawBody: '{"name": "x",', headers: { "Content-Type": "application/json" } });
    expect([malformed.status, malformed.json.error.code]).toEqual([400, "malformed_json"]);
    const big = await call("POST", "/v1/programs", { rawBody: JSON.stringify({ name: "x".repeat(requestBytesMax) }), headers: { "Content-Type": "application/json" } });
    expect([big.status, big.json.error.code]).toEqual([413, "payload_too_large"]);
    let chunksRead = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunksRead++;
        controller.enqueue(new TextEncoder().encode("[".repeat(16 * 1024)));
      },
    });
    const streamed = await exports.default.fetch("https://loyalty.test/v1/programs", { method: "POST", body: endless, headers: { Authorization: `Bearer ${operatorToken}`, "Content-Type": "application/json" } });
    expect(streamed.status).toBe(413);
    expect(chunksRead).toBeLessThan(10);
  });
});
