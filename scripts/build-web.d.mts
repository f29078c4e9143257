// scripts/build-web.mjs runs for its effect (it bundles web/client into web/public/assets) and exports nothing.
export {};
