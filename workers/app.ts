import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./app-env";
import { defaultHook, notFound, onError } from "./errors/handlers";
import { limitBody, requireJsonBody } from "./middleware/json-body";
import { adjustmentRoutes } from "./routes/adjustments";
import { announcementRoutes } from "./routes/announcements";
import { amaRoomRoutes } from "./routes/ama-room";
import { amaRoutes } from "./routes/amas";
import { eventRoomRoutes } from "./routes/event-room";
import { eventRoutes } from "./routes/events";
import { communityActionRoutes, myStreakRoutes } from "./routes/community-actions";
import { meAccessRoutes } from "./routes/me-access";
import { meChannelRoutes } from "./routes/me-channels";
import { mePayoutWalletRoutes, memberPayoutWalletRoutes } from "./routes/payout-wallet";
import { meTokenSettlementRoutes, memberTokenSettlementRoutes } from "./routes/token-settlements";
import { authRoutes } from "./routes/auth";
import { loginLinkCheckRoutes, loginLinkRoutes } from "./routes/login-links";
import { meRoutes } from "./routes/me";
import { meRewardRoutes } from "./routes/me-rewards";
import { meWalletRoutes } from "./routes/me-wallets";
import { meTokenRoutes } from "./routes/me-token";
import { tokenHolderRoutes } from "./routes/token-holders";
import { chainWatcherRoutes } from "./routes/chain-watcher";
import { healthRoutes } from "./routes/health";
import { memberRoutes } from "./routes/members";
import { programMemberRoutes } from "./routes/program-members";
import { programRoutes } from "./routes/programs";
import { projectionRebuildRoutes } from "./routes/projection-rebuild";
import { purchaseRoutes } from "./routes/purchases";
import { redemptionRoutes } from "./routes/redemptions";
import { rewardRoutes } from "./routes/rewards";
import { settlementRoutes } from "./routes/settlements";
import { chainSettlementRoutes } from "./routes/chain-settlements";
import { venueKeyRoutes } from "./routes/venue-keys";
import { venueRoutes } from "./routes/venues";
import { chatWebhookRoutes } from "./webhooks/chat";
import { trtcWebhookRoutes } from "./webhooks/trtc";
import { amaPages } from "../web/routes/ama-pages";
import { channelPages } from "../web/routes/channel-pages";
import { eventPages } from "../web/routes/event-pages";
import { tokenPages } from "../web/routes/token-pages";
import { kioskPages } from "../web/routes/kiosk-pages";
import { memberPages } from "../web/routes/member-pages";
import { pageHeaders } from "../web/page-headers";

export const apiInfo = {
  title: "Loyalty engine API",
  version: "1.0.0",
  license: { name: "Proprietary" },
  description:
    "Venues and web3 communities on one actor-based ledger. Errors are always JSON `{\"error\":{\"code\",\"message\"}}`. Writes take an `Idempotency-Key` header; a replay answers the first result with `Idempotent-Replayed: true`.",
};

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook });
  app.onError(onError);
  app.notFound(notFound);
  app.use("*", pageHeaders);
  app.use("/v1/*", limitBody, requireJsonBody);

  app.route("/health", healthRoutes);
  app.route("/v1/programs", programRoutes);
  app.route("/v1/programs", venueRoutes);
  app.route("/v1/programs", programMemberRoutes);
  app.route("/v1/venues", venueKeyRoutes);
  app.route("/v1/programs", settlementRoutes);
  app.route("/v1/programs", chainSettlementRoutes);
  app.route("/v1/members", memberRoutes);
  app.route("/v1/members", adjustmentRoutes);
  app.route("/v1/members", communityActionRoutes);
  app.route("/v1/members", loginLinkRoutes);
  app.route("/v1/auth", authRoutes);
  app.route("/v1/auth", loginLinkCheckRoutes);
  app.route("/v1/me", meRoutes);
  app.route("/v1/me", meRewardRoutes);
  app.route("/v1/me", meWalletRoutes);
  app.route("/v1/me", meTokenRoutes);
  app.route("/v1/programs", tokenHolderRoutes);
  app.route("/v1/chain", chainWatcherRoutes);
  app.route("/v1/me", myStreakRoutes);
  app.route("/v1/me", meAccessRoutes);
  app.route("/v1/me", meChannelRoutes);
  app.route("/v1/me", mePayoutWalletRoutes);
  app.route("/v1/me", meTokenSettlementRoutes);
  app.route("/v1/members", memberTokenSettlementRoutes);
  app.route("/v1/members", memberPayoutWalletRoutes);
  app.route("/v1/programs", announcementRoutes);
  app.route("/v1/members", projectionRebuildRoutes);
  app.route("/v1/purchases", purchaseRoutes);
  app.route("/v1", rewardRoutes);
  app.route("/v1/redemptions", redemptionRoutes);
  // Provider callbacks: outside /v1 and its auth; each verifies the provider's own signature first.
  app.route("/webhooks", trtcWebhookRoutes);
  app.route("/webhooks", chatWebhookRoutes);
  app.route("/v1", amaRoutes);
  app.route("/v1/amas", amaRoomRoutes);
  app.route("/v1", eventRoutes);
  app.route("/v1/events", eventRoomRoutes);
  // The web app: the member portal and the kiosk screen, server-rendered over the same flows.
  app.route("/kiosk", kioskPages);
  app.route("/", memberPages);
  app.route("/", amaPages);
  app.route("/", channelPages);
  app.route("/", eventPages);
  app.route("/", tokenPages);

  app.openAPIRegistry.registerComponent("securitySchemes", "operatorToken", {
    type: "http",
    scheme: "bearer",
    description: "The operator token (OPERATOR_TOKEN)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "venueKey", {
    type: "http",
    scheme: "bearer",
    description: "A venue API key (vk_…), issued by the operator",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "kioskSession", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-loyalty_kiosk",
    description: "A kiosk's session cookie (HttpOnly, SameSite=Strict; `loyalty_kiosk` without the __Host- prefix on plain-http localhost), set by signing the kiosk in with its venue key at /kiosk; it acts as that key; writes must also send Origin: APP_ORIGIN",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "memberSession", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-loyalty_session",
    description: "A member's session cookie (HttpOnly, SameSite=Lax; `loyalty_session` without the __Host- prefix on plain-http localhost), set by signing in; writes must also send Origin: APP_ORIGIN",
  });
  app.doc("/openapi.json", { openapi: "3.0.3", info: apiInfo, servers: [{ url: "/" }] });
  app.get("/docs", Scalar({ url: "/openapi.json", cdn: "/docs/scalar.js", pageTitle: "Loyalty engine API" }));
  return app;
}
