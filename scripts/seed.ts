import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";

/**
 * Demo data, created through the public API so members live in their actors as in production.
 * Safe to run again: programs and venues use fixed Idempotency-Keys, members use externalRef, and
 * venue keys (shown once by the API) are kept in a git-ignored file and reused while still valid.
 */

type Json = Record<string, any>;
export type SeedSummary = {
  programs: { name: string; id: string; preset: string }[];
  rewards: { name: string; id: string; pointsCost: number }[];
  venueKeys: { venue: string; venueId: string; key: string }[];
  members: { program: string; externalRef: string; id: string; referralCode: string }[];
  /** A Nebula member who joined by signing in with a wallet: that wallet is pinned for payouts, and they have points that settle. */
  walletMember: { program: string; id: string; address: string; settleablePoints: number };
};

/**
 * The demo wallet: hardhat's public dev account #1 (local chains only, never a real network). The
 * seed signs in with it as a browser wallet would (SIWE), so it is a linked wallet of its member and,
 * having joined with it, their pinned payout wallet.
 */
export const demoWalletKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const coalition = {
  key: "seed-program-harbour",
  name: "Harbour Street Coalition",
  preset: "restaurant",
  venues: [
    { key: "seed-venue-pizza", name: "Harbour Pizza", revenueSharePercent: 5 },
    { key: "seed-venue-tacos", name: "Dockside Tacos", revenueSharePercent: 5 },
    { key: "seed-venue-bar", name: "Lighthouse Bar", maxCrossVenueRedemptionPercent: 50, revenueSharePercent: 7.5 },
  ],
  members: [
    { externalRef: "demo-ada", email: "ada@example.com", birthday: "12-10", timezone: "America/New_York" },
    { externalRef: "demo-grace", email: "grace@example.com", birthday: "12-09", timezone: "America/Chicago" },
    { externalRef: "demo-linus", phone: "+14155550123", timezone: "America/Los_Angeles" },
  ],
};

const community = {
  key: "seed-program-nebula",
  name: "Nebula DAO",
  preset: "community",
  members: [
    { externalRef: "demo-satoshi", email: "satoshi@example.com", timezone: "Asia/Tokyo" },
    { externalRef: "demo-vitalik", email: "vitalik@example.com", timezone: "Europe/Zurich" },
    { externalRef: "demo-hal", email: "hal@example.com", timezone: "UTC" },
  ],
};

export async function seed(baseUrl: string, operatorToken: string, credentialsFile: string): Promise<SeedSummary> {
  const api = async (method: string, route: string, token: string, body?: unknown, idempotencyKey?: string) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const response = await fetch(`${baseUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await response.json()) as Json;
    return { status: response.status, json, replayed: response.headers.get("Idempotent-Replayed") === "true" };
  };
  const mustFull = async (method: string, route: string, token: string, body?: unknown, idempotencyKey?: string) => {
    const response = await api(method, route, token, body, idempotencyKey);
    if (response.status >= 300) throw new Error(`seed: ${method} ${route} answered ${response.status} ${JSON.stringify(response.json)}`);
    return response;
  };
  const must = async (method: string, route: string, token: string, body?: unknown, idempotencyKey?: string) =>
    (await mustFull(method, route, token, body, idempotencyKey)).json;

  const saved: Record<string, string> = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, "utf8")) : {};
  const summary: SeedSummary = { programs: [], rewards: [], venueKeys: [], members: [], walletMember: { program: "", id: "", address: "", settleablePoints: 0 } };

  const created = await mustFull("POST", "/v1/programs", operatorToken, { name: coalition.name, preset: coalition.preset }, coalition.key);
  const harbour = created.json;
  const firstRun = !created.replayed;
  summary.programs.push({ name: harbour.name, id: harbour.id, preset: harbour.preset });
  let firstVenueKey = "";
  for (const venue of coalition.venues) {
    const { key, ...settings } = venue;
    const created = await must("POST", `/v1/programs/${harbour.id}/venues`, operatorToken, settings, key);
    let apiKey = saved[created.id];
    if (!apiKey || (await api("GET", `/v1/programs/${harbour.id}/venues`, apiKey)).status !== 200) {
      apiKey = (await must("POST", `/v1/venues/${created.id}/keys`, operatorToken, { label: "demo kiosk" })).key;
      saved[created.id] = apiKey;
    }
    firstVenueKey ||= apiKey;
    summary.venueKeys.push({ venue: created.name, venueId: created.id, key: apiKey });
  }
  mkdirSync(path.dirname(credentialsFile), { recursive: true });
  writeFileSync(credentialsFile, JSON.stringify(saved, null, 2));

  for (const member of coalition.members) {
    const enrolled = await must("POST", "/v1/members", firstVenueKey, member);
    summary.members.push({ program: coalition.name, externalRef: member.externalRef, id: enrolled.id, referralCode: enrolled.referralCode });
  }

  const bar = summary.venueKeys[2];
  const catalog = [
    { key: "seed-reward-dessert", name: "Free dessert", type: "free_item", pointsCost: 150 },
    { key: "seed-reward-ten-off", name: "10% off the bill", type: "percent_off", pointsCost: 500, value: 10 },
    { key: "seed-reward-cocktail", name: "Lighthouse signature cocktail", type: "custom", pointsCost: 300, venueId: bar.venueId, inventory: 20 },
    { key: "seed-reward-chefs-table", name: "Chef's table for two", type: "experience", pointsCost: 2000, tiers: ["GOLD", "PLATINUM"] },
  ];
  for (const { key, ...reward } of catalog) {
    const added = await must("POST", `/v1/programs/${harbour.id}/rewards`, operatorToken, reward, key);
    summary.rewards.push({ name: added.name, id: added.id, pointsCost: added.pointsCost });
  }

  // Some history the first time only: a few visits (pending: points post 24 h after a purchase is
  // received) and a goodwill adjustment so ada has points to spend at once. (Purchases older than
  // 7 days are refused, so a later start adds none.)
  if (firstRun) {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const [ada, grace] = summary.members;
    const visits = [
      { member: ada, venue: 0, amountCents: 4_250, occurredAt: hoursAgo(50) },
      { member: ada, venue: 1, amountCents: 2_800, occurredAt: hoursAgo(30) },
      { member: ada, venue: 0, amountCents: 6_100, occurredAt: hoursAgo(26) },
      { member: grace, venue: 2, amountCents: 3_900, occurredAt: hoursAgo(2) },
    ];
    for (const [index, visit] of visits.entries()) {
      const body = { memberId: visit.member.id, amountCents: visit.amountCents, occurredAt: visit.occurredAt };
      await must("POST", "/v1/purchases", summary.venueKeys[visit.venue].key, body, `seed-purchase-${index}`);
    }
    await must("POST", `/v1/members/${ada.id}/adjustments`, operatorToken, { points: 400, reason: "Welcome points (demo data)" }, "seed-adjust-ada");
  }

  const nebula = await must("POST", "/v1/programs", operatorToken, { name: community.name, preset: community.preset }, community.key);
  summary.programs.push({ name: nebula.name, id: nebula.id, preset: nebula.preset });
  // Each channel of the preset as a Work group of npm start's fake Tencent Chat (issue 22); a PATCH, so a second start's seed repeats it harmlessly.
  const channels = Object.keys(nebula.config.community.gates).filter((gate) => gate.startsWith("channel:"));
  const chatGroups = Object.fromEntries(channels.map((gate) => [gate, `@TGS#nebula-${gate.slice("channel:".length)}`]));
  await must("PATCH", `/v1/programs/${nebula.id}/config`, operatorToken, { overrides: { community: { chatGroups } } });
  for (const member of community.members) {
    const enrolled = await must("POST", "/v1/members", operatorToken, { ...member, programId: nebula.id });
    // Each attended the welcome AMA: a first qualifying action verifies them and posts their join bonus (§7a).
    await must("POST", `/v1/members/${enrolled.id}/actions`, operatorToken, { kind: "voice_ama", sourceId: "seed-welcome-ama" }, `seed-ama-${member.externalRef}`);
    summary.members.push({ program: community.name, externalRef: member.externalRef, id: enrolled.id, referralCode: enrolled.referralCode });
  }

  // The wallet member takes part in an AMA, a live event, a chat and a vote: points of kinds the
  // community preset settles (the join bonus does not), enough for a payout (at least 100).
  const wallet = new Wallet(demoWalletKey);
  const walletMemberId = await signInWithWallet(baseUrl, nebula.id, wallet);
  let settleablePoints = 0;
  for (const [kind, sourceId] of [["voice_ama", "seed-welcome-ama"], ["live_event", "seed-launch-party"], ["chat_activity", "seed-chat-day-1"], ["governance_vote", "seed-proposal-1"]] as const) {
    const credited = await must("POST", `/v1/members/${walletMemberId}/actions`, operatorToken, { kind, sourceId }, `seed-${kind}-demo-wallet`);
    settleablePoints += Number(credited.points ?? 0);
  }
  summary.walletMember = { program: community.name, id: walletMemberId, address: wallet.address, settleablePoints };
  return summary;
}

/** Signs a wallet in to a program as a browser wallet does (SIWE: the prepared message, signed); answers the member id. */
async function signInWithWallet(baseUrl: string, programId: string, wallet: Wallet): Promise<string> {
  const post = (route: string, body: object) => fetch(`${baseUrl}${route}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const nonce = await post("/v1/auth/siwe/nonce", { programId, address: wallet.address });
  if (nonce.status !== 201) throw new Error(`seed: SIWE nonce answered ${nonce.status} ${await nonce.text()}`);
  const { message } = (await nonce.json()) as { message: string };
  const verified = await post("/v1/auth/siwe/verify", { message, signature: await wallet.signMessage(message) });
  if (verified.status !== 200) throw new Error(`seed: SIWE sign-in answered ${verified.status} ${await verified.text()}`);
  return ((await verified.json()) as { member: { id: string } }).member.id;
}

/** A one-time login link for a member, asked as a venue kiosk would (the link lives 10 minutes). */
export async function createLoginLink(apiUrl: string, venueKey: string, memberId: string): Promise<{ url: string; expiresAt: string }> {
  const response = await fetch(`${apiUrl}/v1/members/${memberId}/login-links`, { method: "POST", headers: { Authorization: `Bearer ${venueKey}` } });
  if (response.status !== 201) throw new Error(`login link for the demo member: ${response.status} ${await response.text()}`);
  return (await response.json()) as { url: string; expiresAt: string };
}
