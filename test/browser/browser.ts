import { mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import axe from "axe-core";
import { getBytes } from "ethers";
import Chromium from "@sparticuz/chromium";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";

/** Where the journeys' screenshots go (git-ignored): open them and look, as a member or a waiter would. */
export const screenshotDir = "artifacts/screenshots";

export const viewports = { phone: { width: 390, height: 844 }, tablet: { width: 1024, height: 768 } } as const;

/**
 * Flags of @sparticuz/chromium's list (made for AWS Lambda) that the journeys drop. Two would make
 * the browser laxer than a member's: the journeys must meet the same-origin policy and the pages'
 * Content-Security-Policy as a phone does. `--single-process` loses cookies between `fetch` and
 * navigation in every browser context but the first (a kiosk's lookup went out without its
 * session cookie); Lambda needs it, this machine does not.
 */
const droppedFlags = new Set(["--disable-web-security", "--allow-running-insecure-content", "--single-process"]);

/**
 * The Chromium shipped inside the `@sparticuz/chromium` npm package, so `npm install && npm test`
 * needs no browser installed by hand (its first launch unpacks the binary into the temp folder).
 * CHROMIUM_PATH points at another Chromium, e.g. Debian's /usr/bin/chromium.
 */
export async function launchBrowser(): Promise<Browser> {
  const custom = process.env.CHROMIUM_PATH;
  if (custom) return chromium.launch({ executablePath: custom, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  return chromium.launch({ executablePath: await Chromium.executablePath(), args: Chromium.args.filter((flag) => !droppedFlags.has(flag)) });
}

/** What the pages' Content-Security-Policy blocked, as the browser reported it: the journeys expect none. */
export const policyViolations: string[] = [];

/** Records every CSP refusal a page of `context` logs (an inline script or style the pages must not have). */
export function watchPolicy(context: BrowserContext): BrowserContext {
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
  });
  return context;
}

export async function newDevice(browser: Browser, size: keyof typeof viewports): Promise<BrowserContext> {
  return watchPolicy(await browser.newContext({ viewport: viewports[size], deviceScaleFactor: 1 }));
}

/** The page, full length, at phone and at tablet size, whatever size its device is. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${screenshotDir}/${name}-${size}.png`, fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** axe-core's WCAG 2 A/AA rules in the page as it is now: the serious and critical findings. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: an inline <script> tag would be refused by the pages' CSP.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: Violation[] }> } }).axe.run({ runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`);
}

/**
 * A browser wallet for tests: an EIP-1193 provider injected into every page, backed by an ethers
 * Wallet in the test process. It answers accounts and chain, and signs personal_sign messages.
 */
export async function injectWallet(context: BrowserContext, wallet: { address: string; signMessage(message: Uint8Array): Promise<string> }, chainId: number): Promise<void> {
  await context.exposeBinding("__testWalletSign", (_source, hexMessage: string) => wallet.signMessage(getBytes(hexMessage)));
  await context.addInitScript(
    ({ address, chainHex }) => {
      const sign = (globalThis as unknown as { __testWalletSign(message: string): Promise<string> }).__testWalletSign;
      (globalThis as unknown as { ethereum: unknown }).ethereum = {
        isTestWallet: true,
        async request({ method, params }: { method: string; params?: unknown[] }) {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
          if (method === "eth_chainId") return chainHex;
          if (method === "personal_sign") return sign(String(params?.[0]));
          throw Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
        },
      };
    },
    { address: wallet.address, chainHex: `0x${chainId.toString(16)}` },
  );
}

/** What a page's first load costs: its HTML and the JavaScript it fetched, raw and gzipped. */
export async function measureFirstLoad(page: Page, url: string) {
  const scripts: Buffer[] = [];
  const onResponse = async (response: import("playwright-core").Response) => {
    if (response.request().resourceType() === "script") scripts.push(await response.body());
  };
  page.on("response", onResponse);
  const response = await page.goto(url, { waitUntil: "networkidle" });
  page.off("response", onResponse);
  const html = await response!.body();
  return {
    htmlBytes: html.length,
    htmlGzipBytes: gzipSync(html).length,
    scriptCount: scripts.length,
    scriptGzipBytes: scripts.reduce((total, script) => total + gzipSync(script).length, 0),
  };
}
