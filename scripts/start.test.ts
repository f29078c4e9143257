import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDotenv } from "./dev-vars";
import { freePort } from "./free-port";

type Started = { child: ChildProcess; output: () => string };

/** Runs `npm start` as a user would and waits until it prints that everything is running. */
async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn("npm", ["start"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Ctrl-C stops everything")) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited early:\n${output}`));
      }
    }, 250);
  });
  return { child, output: () => output };
}

const isRunning = (started: Started) => started.child.exitCode === null && started.child.signalCode === null;

async function stop(started: Started): Promise<void> {
  if (!isRunning(started)) return;
  const exited = new Promise((resolve) => started.child.on("exit", resolve));
  process.kill(-started.child.pid!, "SIGINT");
  await exited;
}

describe("npm start", () => {
  const running: Started[] = [];
  afterAll(async () => {
    for (const started of running) await stop(started);
  });

  it("serves the API, docs and seed, and a second start reuses the state", { timeout: 240_000 }, async () => {
    const apiPort = await freePort();
    const env = {
      PORT: String(apiPort),
      CHAIN_PORT: String(await freePort()),
      STATE_DIR: path.join(mkdtempSync(path.join(tmpdir(), "loyalty-start-")), "state"),
    };
    const api = `http://127.0.0.1:${apiPort}`;
    const first = await start(env);
    running.push(first);
    // Read after the first start: on a fresh clone `npm start` is what creates .dev.vars.
    const operator = { Authorization: `Bearer ${parseDotenv(readFileSync(".dev.vars", "utf8")).OPERATOR_TOKEN}` };
    expect((await fetch(`${api}/openapi.json`)).status).toBe(200);
    expect(await (await fetch(`${api}/docs`)).text()).toContain("/openapi.json");
    const programs = (await (await fetch(`${api}/v1/programs`, { headers: operator })).json()) as { programs: { id: string; name: string }[] };
    expect(programs.programs.map((program) => program.name).sort()).toEqual(["Harbour Street Coalition", "Nebula DAO"]);
    const venueKey = /Harbour Pizza\s+(vk_\w+)/.exec(first.output())![1];
    const enrolled = await fetch(`${api}/v1/members`, {
      method: "POST",
      headers: { Authorization: `Bearer ${venueKey}`, "Content-Type": "application/json", "Idempotency-Key": "start-test" },
      body: JSON.stringify({ email: "walk-in@example.com" }),
    });
    expect(enrolled.status).toBe(201);
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
