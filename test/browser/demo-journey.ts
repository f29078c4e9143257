import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { SeedSummary } from "../../scripts/seed";
import { type Started, isolatedStartEnv, npmStart, stopNpmStart } from "../npm-start";
import { launchBrowser, policyViolations } from "./browser";

export type Demo = SeedSummary & { apiUrl: string; operatorToken: string };

/**
 * A describe block's browser journey against `npm start`: starts the engine (wrangler dev, the local
 * chain, the seeded demo) and a browser before its tests, stops both after, and checks after each
 * test that the pages worked under their Content-Security-Policy (nothing was blocked).
 */
export function demoJourney() {
  let engine: Started | undefined;
  let demo: Demo | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const env = await isolatedStartEnv();
    engine = await npmStart(env);
    demo = JSON.parse(readFileSync(path.join(env.STATE_DIR, "demo.json"), "utf8"));
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (engine) await stopNpmStart(engine);
  });

  afterEach(() => {
    expect(policyViolations).toEqual([]);
  });

  return {
    get demo(): Demo {
      return demo!;
    },
    get browser(): Browser {
      return browser!;
    },
    url: (route: string) => `${demo!.apiUrl}${route}`,
  };
}
