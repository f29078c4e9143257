import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type Started, isolatedStartEnv, npmStart as start, stopNpmStart as stop } from "../test/npm-start";
import { parseDotenv } from "./dev-vars";

describe("npm start", () => {
  const running: Started[] = [];
  afterAll(async () => {
    for (const started of running) await stop(started);
  });

  it("serves the API, docs and seed, and a second start reuses the state", { timeout: 240_000 }, async () => {
    const env = await isolatedStartEnv();
    const api = `http://127.0.0.1:${env.PORT}`;
    const first = await start(env);
    running.push(first);
    // Read after the first start: on a fresh clone `npm start` is what creates .dev.vars.
    const operator = { Authorization: `Bearer ${parseDotenv(readFileSync(".dev.vars", "utf8")).OPERATOR_TOKEN}` };
    expect((await fetch(`${api}/openapi.json`)).status).toBe(200);
    expect(await (await fetch(`${api}/docs`)).text()).toContain("/openapi.json");
    const programs = (await (await fetch(`${api}/v1/programs`, { headers: operator })).json()) as { programs: { id: string; name: string }[] };
    expect(programs.programs.map((program) => program.name).sort()).toEqual(["Harbour Street Coalition", "Nebula DAO"]);
    const venueKey = /Harbour Pizza\s+(vk_\w+)/.exec(first.output())![1];
    // The web app's addresses, and a login link that signs the demo member in once.
    expect(first.output()).toContain(`Member portal   ${api}/`);
    expect(first.output()).toContain(`Kiosk (tablet)  ${api}/kiosk`);
    const loginLink = new RegExp(`(${api}/login#\\w+)`).exec(first.output())![1];
    expect((await fetch(loginLink)).status).toBe(200);
    const used = await fetch(`${api}/v1/auth/login-links/use`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: loginLink.split("#")[1] }) });
    expect(used.status).toBe(200);
    expect(used.headers.get("set-cookie")).toMatch(/^loyalty_session=/);
    const enrolled = await fetch(`${api}/v1/members`, {
      method: "POST",
      headers: { Authorization: `Bearer ${venueKey}`, "Content-Type": "application/json", "Idempotency-Key": "start-test" },
      body: JSON.stringify({ email: "walk-in@example.com" }),
    });
    expect(enrolled.status).toBe(201);
    // The Nebula members (three by email, one by wallet) were synced into the #general Work group of the fake Tencent Chat (issue 22).
    const chatUrl = /Tencent Chat\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(first.output())![1];
    const general = async () => ((await (await fetch(`${chatUrl}/__fake/groups/${encodeURIComponent("@TGS#nebula-general")}`)).json()) as { members: string[] }).members;
    await vi.waitUntil(async () => (await general()).length === 4, { timeout: 20_000, interval: 250 });
    await stop(first);

    const second = await start(env);
    running.push(second);
    const again = (await (await fetch(`${api}/v1/programs`, { headers: operator })).json()) as typeof programs;
    expect(again.programs.map((program) => program.id).sort()).toEqual(programs.programs.map((program) => program.id).sort());
    expect(/Harbour Pizza\s+(vk_\w+)/.exec(second.output())![1]).toBe(venueKey);
    const harbour = programs.programs.find((program) => program.name === "Harbour Street Coalition")!;
    const members = (await (await fetch(`${api}/v1/programs/${harbour.id}/members`, { headers: operator })).json()) as { members: unknown[] };
    expect(members.members).toHaveLength(4);
    await stop(second);
    await expect(fetch(`${api}/health`)).rejects.toThrow();
  });
});
