import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deployRewardToken } from "../contracts/deploy";
import { ensureDevVars } from "./dev-vars";
import { startFakeTencentChatServer, startFakeTencentServer } from "./fake-tencent-server";
import { freePort } from "./free-port";
import { ProcessGroup, rpcAnswers, waitFor } from "./processes";
import { createLoginLink, seed } from "./seed";

/**
 * `npm start`: the whole engine on this machine. A local EVM with the reward token deployed,
 * D1 migrated and seeded, and `wrangler dev`, all on 127.0.0.1. State persists in .wrangler/state,
 * so a second start reuses it (the chain is fresh each time; the token is redeployed).
 */
const apiPort = Number(process.env.PORT ?? 8787);
const chainPort = Number(process.env.CHAIN_PORT ?? 8545);
const stateDir = process.env.STATE_DIR ?? ".wrangler/state";
const logDir = path.join(stateDir, "..", "logs");
const apiUrl = `http://127.0.0.1:${apiPort}`;
const chainUrl = `http://127.0.0.1:${chainPort}`;

const step = (message: string) => console.log(`▸ ${message}`);

const vars = ensureDevVars();
const processes = new ProcessGroup(logDir);

step(`local chain: hardhat node on ${chainUrl}`);
if (await rpcAnswers(chainUrl).catch(() => false)) {
  console.log(`  something already answers JSON-RPC on ${chainUrl}; using it`);
} else {
  processes.start("chain", "hardhat", ["node", "--hostname", "127.0.0.1", "--port", String(chainPort)]);
  await waitFor("hardhat node", () => rpcAnswers(chainUrl), 60_000);
}

step("reward token: compiling with solc + OpenZeppelin 5 and deploying");
// Dev only: the settler key deploys and holds all three roles (admin, settler, pauser).
const token = await deployRewardToken(chainUrl, vars.SETTLER_PRIVATE_KEY);
console.log(`  RewardToken at ${token.address} (admin, settler and pauser: the SETTLER_PRIVATE_KEY account)`);

step("TencentCloud API: a local fake that checks TC3 signatures (no Tencent servers in dev)");
const tencent = await startFakeTencentServer(Number(process.env.TENCENT_PORT ?? (await freePort())), {
  secretId: vars.TENCENTCLOUD_SECRET_ID,
  secretKey: vars.TENCENTCLOUD_SECRET_KEY,
});
console.log(`  ${tencent.url} (SetUserBlockedByStrRoomId; calls are logged here)`);

step("Tencent Chat REST API: a local fake that checks the admin UserSig and keeps group membership in memory");
const chat = await startFakeTencentChatServer(Number(process.env.CHAT_PORT ?? (await freePort())), {
  sdkAppId: Number(readWranglerVar("CHAT_SDK_APP_ID")),
  adminUser: readWranglerVar("CHAT_ADMIN_USER"),
  secretKey: vars.CHAT_SECRET_KEY,
});
console.log(`  ${chat.url} (channel syncs and announcements are logged here; GET ${chat.url}/__fake/groups/<id> shows a group)`);

step("D1: applying migrations to the local database");
const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
  encoding: "utf8",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  console.error(migrate.stdout, migrate.stderr);
  throw new Error("wrangler d1 migrations apply failed");
}

step("web app: bundling the pages' scripts and stylesheet");
await import("./build-web.mjs");

step(`API and web app: wrangler dev on ${apiUrl}`);
processes.start(
  "api",
  "wrangler",
  [
    "dev",
    "--ip", "127.0.0.1",
    "--port", String(apiPort),
    "--persist-to", stateDir,
    "--var", `TOKEN_ADDRESS:${token.address}`,
    "--var", `CHAIN_RPC_URL:${chainUrl}`,
    "--var", `APP_ORIGIN:${apiUrl}`,
    "--var", `TENCENTCLOUD_API_BASE:${tencent.url}`,
    "--var", `CHAT_API_BASE:${chat.url}`,
    // A demo payout settles within seconds, not after the production 5-minute batch wait.
    "--var", "SETTLEMENT_BATCH_WAIT_SECONDS:2",
    // /__scheduled runs the Worker's scheduled(): below, the 5-minute cron every few seconds (wrangler dev runs no crons itself).
    "--test-scheduled",
    "--show-interactive-dev-session=false",
  ],
  { echo: false },
);
await waitFor("wrangler dev", async () => (await fetch(`${apiUrl}/health`)).ok, 120_000);

step("seed: demo programs, venues, venue keys and members (reused when already there)");
const summary = await seed(apiUrl, vars.OPERATOR_TOKEN, path.join(stateDir, "demo-credentials.json"));
const [coalition, community] = summary.programs;
const demoMember = summary.members[0];
const demoLogin = await createLoginLink(apiUrl, summary.venueKeys[0].key, demoMember.id);
// The settlement cron (cut, reconcile, read token logs) every 5 s instead of every 5 minutes, so the
// portal's on-chain figures follow a demo payout within seconds. A failed run is in the API log.
const settlementCronMs = 5_000;
setInterval(() => void fetch(`${apiUrl}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch(() => {}), settlementCronMs).unref();
const walletLogin = await createLoginLink(apiUrl, vars.OPERATOR_TOKEN, summary.walletMember.id);
const demoFile = path.join(stateDir, "demo.json");
writeFileSync(demoFile, JSON.stringify({ apiUrl, chainUrl, operatorToken: vars.OPERATOR_TOKEN, token: token.address, ...summary, demoLogin, walletLogin }, null, 2));

console.log(`
Loyalty engine is running.

  Member portal   ${apiUrl}/
    ${community.name} wallet sign-in  ${apiUrl}/sign-in?program=${community.id}
    ${coalition.name} member ${demoMember.externalRef}, one-time login link (10 minutes):
                  ${demoLogin.url}
    ${community.name} wallet member ${summary.walletMember.address} (hardhat dev account #1), ${summary.walletMember.settleablePoints} points that
                  can become tokens at ${apiUrl}/tokens; one-time login link (10 minutes):
                  ${walletLogin.url}
  Kiosk (tablet)  ${apiUrl}/kiosk  (sign in with a venue API key below)
  API             ${apiUrl}
  API reference   ${apiUrl}/docs
  OpenAPI         ${apiUrl}/openapi.json
  Local chain     ${chainUrl} (chain id 31337), RewardToken ${token.address}
  TencentCloud    ${tencent.url} (a fake that checks signatures; TRTC audio itself is unavailable in dev)
  Tencent Chat    ${chat.url} (a fake REST API; GET /__fake/groups/@TGS%23nebula-general lists a channel's members)
  Logs            ${path.join(logDir, "api.log")}, ${path.join(logDir, "chain.log")}
  Demo data       ${demoFile} (a new login link: POST /v1/members/{id}/login-links with a venue key)

Operator token    ${vars.OPERATOR_TOKEN}

Programs
${summary.programs.map((program) => `  ${program.name.padEnd(26)} ${program.id}  (${program.preset})`).join("\n")}

Rewards (${summary.programs[0].name})
${summary.rewards.map((reward) => `  ${reward.name.padEnd(32)} ${String(reward.pointsCost).padStart(5)} points  ${reward.id}`).join("\n")}

Venue API keys (one per venue)
${summary.venueKeys.map((venue) => `  ${venue.venue.padEnd(26)} ${venue.key}`).join("\n")}

Members
${summary.members.map((member) => `  ${member.externalRef.padEnd(14)} ${member.id}  ${member.program}`).join("\n")}

Try:
  curl -s ${apiUrl}/v1/members/${summary.members[0].id} -H 'Authorization: Bearer ${summary.venueKeys[0].key}'
  curl -s -X POST ${apiUrl}/v1/members -H 'Authorization: Bearer ${summary.venueKeys[0].key}' \\
       -H 'Content-Type: application/json' -H 'Idempotency-Key: '$(uuidgen 2>/dev/null || date +%s%N) \\
       -d '{"email":"new@example.com","birthday":"03-14"}'

Ctrl-C stops everything.`);

/** A [vars] value of wrangler.toml (the Chat app id and admin are plain config, not secrets). */
function readWranglerVar(name: string): string {
  const match = new RegExp(`^${name} = "([^"]*)"`, "m").exec(readFileSync("wrangler.toml", "utf8"));
  if (!match) throw new Error(`wrangler.toml has no [vars] ${name}`);
  return match[1];
}
