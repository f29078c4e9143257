// Bundles the pages' few client scripts (web/client/*.ts and *.tsx; shared code sits in web/client/lib),
// Tencent's TRTC web SDK as an asset of its own (web/client/vendor/, which the AMA room page imports only
// when a member joins audio) and the stylesheet with esbuild, the bundler wrangler itself uses, into
// web/public/assets, where the Worker's static assets serve them. `npm install`, `npm start` and `npm test`
// run it, so bundles match sources.
import { readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const outdir = "web/public/assets";
const entryPoints = Object.fromEntries(
  readdirSync("web/client")
    .filter((name) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts"))
    .map((name) => [name.replace(/\.tsx?$/, ""), `web/client/${name}`]),
);
entryPoints["trtc-sdk"] = "web/client/vendor/trtc-sdk.ts";
entryPoints.app = "web/styles/app.css";

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  // Components shared with the server (web/pages/room-stage.tsx) render in the browser with hono/jsx/dom.
  // Given here, not as jsxImportSource: tsconfig.json's "hono/jsx" (the server's) would win over that option.
  tsconfigRaw: { compilerOptions: { jsx: "react-jsx", jsxImportSource: "hono/jsx/dom" } },
  // The room's frame schemas, without the whole zod namespace (see web/client/lib/zod-for-frames.ts).
  // trtc-sdk-v5's package.json names only its UMD build (main: trtc.js); its ESM build bundles ~100 KB smaller.
  alias: { "@hono/zod-openapi": "./web/client/lib/zod-for-frames.ts", "trtc-sdk-v5": "./node_modules/trtc-sdk-v5/trtc.esm.js" },
});
