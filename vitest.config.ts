import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "migrations")),
                OPERATOR_TOKEN: "test-operator-token",
              },
            },
          }),
        ],
        test: {
          name: "workerd",
          include: ["workers/**/*.test.ts", "durable-objects/**/*.test.ts", "domain/**/*.test.ts"],
          setupFiles: ["./test/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["contracts/**/*.test.ts", "test/node/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts"],
          globalSetup: ["./test/hardhat-node.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
}));
