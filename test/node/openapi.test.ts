import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/app";

async function openApiDocument() {
  const response = await createApp().request("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as { paths: Record<string, Record<string, unknown>> };
}

describe("the OpenAPI document", () => {
  it("lints clean with redocly's recommended rules", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "openapi-")), "openapi.json");
    writeFileSync(file, JSON.stringify(await openApiDocument()));
    const lint = spawnSync("npx", ["redocly", "lint", file, "--config", "redocly.yaml"], {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    });
    expect(lint.stdout + lint.stderr).toContain("Your API description is valid");
    expect(lint.status).toBe(0);
  });

  it("lists every API route the app serves (the web app's HTML pages and forms are not API)", async () => {
    const document = await openApiDocument();
    const documented = new Set(
      Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`)),
    );
    const served = createApp()
      .routes.filter((route) => route.method !== "ALL" && (route.path.startsWith("/v1/") || route.path.startsWith("/health")))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "") || "/"}`);
    expect(served.length).toBeGreaterThan(5);
    for (const route of new Set(served)) expect(documented, `${route} is served but not documented`).toContain(route);
  });
});
