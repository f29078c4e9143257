// Bundles the pages' few client scripts (web/client/*.ts; shared code sits in web/client/lib) and the
// stylesheet with esbuild, the bundler wrangler itself uses, into web/public/assets, where the Worker's
// static assets serve them. `npm install`, `npm start` and `npm test` run it, so bundles match sources.
import { readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const outdir = "web/public/assets";
const entryPoints = Object.fromEntries(
  readdirSync("web/client")
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts"))
    .map((name) => [name.slice(0, -3), `web/client/${name}`]),
);
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
});
