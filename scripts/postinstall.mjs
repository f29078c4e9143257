// npm on the machine's Node 20 silently skips optional native packages whose engines need Node 22,
// notably hardhat's EDR binary. This script runs under the pinned Node 22 (npm puts node_modules/.bin
// first on PATH), so when the binary is missing one more install pass fetches it.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";

const require = createRequire(import.meta.url);

function resolves(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const edrBinary = `@nomicfoundation/edr-${process.platform}-${process.arch}${process.platform === "linux" ? "-gnu" : ""}`;
if (!resolves(edrBinary) && !process.env.LOYALTY_POSTINSTALL_PASS) {
  console.log(`postinstall: ${edrBinary} is missing (npm ran on Node ${process.versions.node}); installing it on this pass`);
  const result = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"], {
    stdio: "inherit",
    env: { ...process.env, LOYALTY_POSTINSTALL_PASS: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The API reference page (/docs) loads Scalar's standalone bundle from our own static assets,
// so the docs work offline and need no CDN.
const scalarBundle = "node_modules/@scalar/api-reference/dist/browser/standalone.js";
if (!existsSync(scalarBundle)) {
  console.error(`postinstall: ${scalarBundle} is missing; /docs will not render`);
  process.exit(1);
}
mkdirSync("web/public/docs", { recursive: true });
copyFileSync(scalarBundle, "web/public/docs/scalar.js");

// The pages' client scripts, bundled into web/public/assets.
await import("./build-web.mjs");
