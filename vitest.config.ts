import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { chainTestAccounts, chainTestHosts, chainTestTokenAddress } from "./test/chain-accounts";
import { fakeChainUrl, testOutbound } from "./test/fake-chain";
import { fakeTencentCredentials, fakeTencentUrl } from "./test/fake-tencent";
import { fakeTencentChatCredentials, fakeTencentChatUrl } from "./test/fake-tencent-chat";

/** A project that runs inside workerd with the worker's real bindings (wrangler.toml) and the test settings. */
async function workerdProject(name: string, include: string[], overrides: { bindings?: Record<string, string>; globalSetup?: string[]; sequential?: boolean } = {}) {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "migrations")),
            OPERATOR_TOKEN: "test-operator-token",
            APP_ORIGIN: "https://loyalty.test",
            // A chain that answers alike on every machine (test/fake-chain.ts); outbound fetches go through it.
            CHAIN_RPC_URL: fakeChainUrl,
            // TRTC and the TencentCloud API (issue 21): test keys, and the fake API (test/fake-tencent.ts) that checks TC3 signatures.
            TRTC_SECRET_KEY: "test-trtc-secret-key",
            TRTC_CALLBACK_KEY: "testTrtcCallbackKey",
            TENCENTCLOUD_API_BASE: fakeTencentUrl,
            // Tencent Chat callbacks (issue 22): the token their Sign is made with.
            CHAT_CALLBACK_TOKEN: "testChatCallbackToken",
            TENCENTCLOUD_SECRET_ID: fakeTencentCredentials.secretId,
            TENCENTCLOUD_SECRET_KEY: fakeTencentCredentials.secretKey,
            // The Tencent Chat REST API (issue 22): the fake (test/fake-tencent-chat.ts) that checks the admin UserSig.
            CHAT_API_BASE: fakeTencentChatUrl,
            CHAT_SDK_APP_ID: String(fakeTencentChatCredentials.sdkAppId),
            CHAT_ADMIN_USER: fakeTencentChatCredentials.adminUser,
            CHAT_SECRET_KEY: fakeTencentChatCredentials.secretKey,
            // The ledger model test: more runs, or a failing run replayed (workers/routes/ledger-model.test.ts).
            LEDGER_MODEL_RUNS: process.env.LEDGER_MODEL_RUNS ?? "",
            LEDGER_MODEL_SEED: process.env.LEDGER_MODEL_SEED ?? "",
            LEDGER_MODEL_PATH: process.env.LEDGER_MODEL_PATH ?? "",
            LEDGER_MODEL_REPLAY_PATH: process.env.LEDGER_MODEL_REPLAY_PATH ?? "",
            // The community economy property (workers/routes/community-economy.test.ts): more runs.
            COMMUNITY_ECONOMY_RUNS: process.env.COMMUNITY_ECONOMY_RUNS ?? "",
            // The bench's bot-farm figure (bench/bot-farm.test.ts): how many fresh wallets.
            BENCH_FARM_WALLETS: process.env.BENCH_FARM_WALLETS ?? "",
            // The bench's in-process room figures (bench/room-*.test.ts): socket counts and rounds.
            BENCH_ROOM_BROADCAST_SOCKETS: process.env.BENCH_ROOM_BROADCAST_SOCKETS ?? "",
            BENCH_ROOM_BROADCAST_RUNS: process.env.BENCH_ROOM_BROADCAST_RUNS ?? "",
            BENCH_ROOM_CACHE_SWEEP_MB: process.env.BENCH_ROOM_CACHE_SWEEP_MB ?? "",
            BENCH_ROOM_HAND_SOCKETS: process.env.BENCH_ROOM_HAND_SOCKETS ?? "",
            BENCH_ROOM_HAND_ROUNDS: process.env.BENCH_ROOM_HAND_ROUNDS ?? "",
            // The bench's settlements per minute (bench/settlement-throughput.test.ts): members per round and rounds.
            BENCH_SETTLEMENT_MEMBERS: process.env.BENCH_SETTLEMENT_MEMBERS ?? "",
            BENCH_SETTLEMENT_ROUNDS: process.env.BENCH_SETTLEMENT_ROUNDS ?? "",
            ...overrides.bindings,
          },
          outboundService: testOutbound,
        },
      }),
    ],
    test: {
      name,
      include,
      exclude: ["**/node_modules/**", ...(overrides.sequential ? [] : ["**/*.chain.test.ts", "**/*.faults.test.ts"])],
      setupFiles: ["./test/apply-migrations.ts"],
      globalSetup: overrides.globalSetup ?? [],
      // Files of a chain project share one chain and one settler key, so they take turns.
      fileParallelism: !overrides.sequential,
      testTimeout: overrides.sequential ? 120_000 : undefined,
    },
  };
}

/** A workerd project whose settler signs on its own hardhat node with its own key and RewardToken (test/chain-accounts.ts). */
function chainProject(project: keyof typeof chainTestAccounts, name: string, include: string[]) {
  return workerdProject(name, include, {
    bindings: {
      CHAIN_RPC_URL: chainTestHosts[project],
      TOKEN_ADDRESS: chainTestTokenAddress(project),
      SETTLER_PRIVATE_KEY: chainTestAccounts[project],
      // The fault run reorgs the head block: a settlement is final, and logs are read, two blocks deep.
      ...(project === "faults" ? { SETTLEMENT_CONFIRMATIONS: "2", CHAIN_EVENTS_CONFIRMATIONS: "2" } : {}),
      // The fault run's seed and size (durable-objects/chain-settler/settlement.faults.test.ts).
      SETTLEMENT_FAULT_SEED: process.env.SETTLEMENT_FAULT_SEED ?? "",
      SETTLEMENT_FAULTS_MIN: process.env.SETTLEMENT_FAULTS_MIN ?? "",
    },
    globalSetup: [`./test/chain-node-${project}.ts`],
    sequential: true,
  });
}

export default defineConfig(async () => ({
  test: {
    projects: [
      await workerdProject("workerd", ["workers/**/*.test.ts", "durable-objects/**/*.test.ts", "domain/**/*.test.ts", "web/**/*.test.{ts,tsx}"]),
      // Settlement on a real chain: `*.chain.test.ts` end to end, `*.faults.test.ts` the fault-injection run.
      await chainProject("chain", "workerd-chain", ["workers/**/*.chain.test.ts", "durable-objects/**/*.chain.test.ts"]),
      await chainProject("faults", "workerd-chain-faults", ["workers/**/*.faults.test.ts", "durable-objects/**/*.faults.test.ts"]),
      // Only `npm run bench` (BENCH_ONLY=farm) asks for the bot-farm figure; `npm test` does not run it.
      ...(process.env.BENCH_FARM === "1" ? [await workerdProject("bench-farm", ["bench/bot-farm.test.ts"])] : []),
      // Only `npm run bench` (BENCH_ONLY=settlement) asks for settlements per minute on the local chain.
      ...(process.env.BENCH_SETTLEMENT === "1" ? [await chainProject("chain", "bench-settlement", ["bench/settlement-throughput.test.ts"])] : []),
      // Only `npm run bench` (BENCH_ONLY=rooms) asks for the in-process room figures.
      ...(process.env.BENCH_ROOMS === "1" ? [await workerdProject("bench-rooms", ["bench/room-*.test.ts"])] : []),
      {
        test: {
          name: "node",
          environment: "node",
          include: ["contracts/**/*.test.ts", "test/node/**/*.test.ts", "test/browser/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts"],
          globalSetup: ["./test/hardhat-node.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
}));
