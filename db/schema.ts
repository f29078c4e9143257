import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The read side and directory (D1 in the Worker, libSQL for Node tools). Member balances and
 * every other per-member fact live in the Member actor; rows here are copies or directory data.
 */

export const programs = sqliteTable("programs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  preset: text("preset").notNull(),
  config: text("config", { mode: "json" }).notNull(),
  createdAt: text("created_at").notNull(),
});

export const venues = sqliteTable(
  "venues",
  {
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => programs.id),
    name: text("name").notNull(),
    timezone: text("timezone").notNull(),
    participatesInCoalition: integer("participates_in_coalition", { mode: "boolean" }).notNull(),
    earnRatePerDollar: real("earn_rate_per_dollar"),
    allowCrossVenueRedemption: integer("allow_cross_venue_redemption", { mode: "boolean" }).notNull(),
    maxCrossVenueRedemptionPercent: integer("max_cross_venue_redemption_percent").notNull(),
    revenueSharePercent: integer("revenue_share_percent").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("venues_program_idx").on(table.programId)],
);

export const venueKeys = sqliteTable(
  "venue_keys",
  {
    id: text("id").primaryKey(),
    venueId: text("venue_id")
      .notNull()
      .references(() => venues.id),
    programId: text("program_id").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    label: text("label"),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (table) => [uniqueIndex("venue_keys_hash_idx").on(table.keyHash), index("venue_keys_venue_idx").on(table.venueId)],
);

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => programs.id),
    externalRef: text("external_ref"),
    email: text("email"),
    phone: text("phone"),
    birthday: text("birthday"),
    timezone: text("timezone").notNull(),
    referralCode: text("referral_code").notNull(),
    referredBy: text("referred_by"),
    enrolledVia: text("enrolled_via").notNull(),
    enrolledAt: text("enrolled_at").notNull(),
  },
  (table) => [
    uniqueIndex("members_external_ref_idx")
      .on(table.programId, table.externalRef)
      .where(sql`${table.externalRef} IS NOT NULL`),
    uniqueIndex("members_referral_code_idx").on(table.referralCode),
    index("members_program_enrolled_idx").on(table.programId, table.enrolledAt, table.id),
    // Kiosk look-ups (listMembers filters). Emails are stored as typed, so the index is on
    // lower(email) and the look-up compares it with a lower-cased query (z.email() is ASCII-only).
    // enrolled_at, id end each index so the page order comes from it: without them SQLite walks
    // members_program_enrolled_idx over the whole program to skip the sort.
    index("members_program_email_idx").on(table.programId, sql`lower(${table.email})`, table.enrolledAt, table.id),
    index("members_program_phone_idx").on(table.programId, table.phone, table.enrolledAt, table.id),
  ],
);

/**
 * Which member an enrollment Idempotency-Key produced. The Member actor keeps the full replay;
 * this row catches the same key sent again with a different externalRef, which addresses another actor.
 */
export const enrollmentKeys = sqliteTable(
  "enrollment_keys",
  {
    programId: text("program_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    requestHash: text("request_hash").notNull(),
    memberId: text("member_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.programId, table.idempotencyKey] })],
);

/** Replays for operator writes (programs, venues), which are directory rows rather than actor state. */
export const operatorRequests = sqliteTable(
  "operator_requests",
  {
    idempotencyKey: text("idempotency_key").notNull(),
    route: text("route").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    response: text("response").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.route, table.idempotencyKey] })],
);

/** The reward catalog (operator CRUD). Units left live in the reward's RewardStock actor. */
export const rewards = sqliteTable(
  "rewards",
  {
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => programs.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["percent_off", "amount_off", "free_item", "experience", "custom"] }).notNull(),
    pointsCost: integer("points_cost").notNull(),
    value: real("value"),
    venueId: text("venue_id"),
    inventory: integer("inventory"),
    tiers: text("tiers", { mode: "json" }).$type<string[] | null>(),
    daysOfWeek: text("days_of_week", { mode: "json" }).$type<number[] | null>(),
    validFrom: text("valid_from"),
    validTo: text("valid_to"),
    perDayCap: integer("per_day_cap"),
    perMemberCap: integer("per_member_cap"),
    minPurchaseCents: integer("min_purchase_cents"),
    active: integer("active", { mode: "boolean" }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("rewards_program_idx").on(table.programId)],
);

/**
 * Which member a single-use redemption code belongs to, so a kiosk can consume it by code. Written
 * before the Member commits the redemption (so the code works from that moment, whatever D1 does
 * later), unique within the program: a collision draws the next candidate code.
 */
export const redemptionCodes = sqliteTable(
  "redemption_codes",
  {
    code: text("code").notNull(),
    programId: text("program_id").notNull(),
    memberId: text("member_id").notNull(),
    redemptionId: text("redemption_id").notNull(),
    rewardId: text("reward_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.programId, table.code] }), index("redemption_codes_code_idx").on(table.code)],
);

/** Read side: each stocked reward's claimed units and recent per-day claims, copied by its RewardStock. */
export const rewardStockLevels = sqliteTable("reward_stock_levels", {
  rewardId: text("reward_id").primaryKey(),
  claimed: integer("claimed").notNull(),
  days: text("days", { mode: "json" }).$type<{ day: string; claimed: number }[]>().notNull(),
  seq: integer("seq").notNull(),
});

/** Projection: each member's latest posted snapshot (newest `last_seq` wins, so redelivery is harmless). */
export const memberBalances = sqliteTable(
  "member_balances",
  {
    memberId: text("member_id").primaryKey(),
    programId: text("program_id").notNull(),
    tier: text("tier").notNull(),
    available: integer("available").notNull(),
    lifetimePoints: integer("lifetime_points").notNull(),
    lifetimeSpendCents: integer("lifetime_spend_cents").notNull(),
    visits: integer("visits").notNull(),
    debt: integer("debt").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (table) => [index("member_balances_program_lifetime_idx").on(table.programId, table.lifetimePoints)],
);

/** Projection: visits and spend per member per venue. */
export const memberVenueStats = sqliteTable(
  "member_venue_stats",
  {
    memberId: text("member_id").notNull(),
    venueId: text("venue_id").notNull(),
    programId: text("program_id").notNull(),
    visits: integer("visits").notNull(),
    spendCents: integer("spend_cents").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (table) => [primaryKey({ columns: [table.memberId, table.venueId] }), index("member_venue_stats_venue_idx").on(table.programId, table.venueId)],
);

/** Projection: who owes whom for cross-venue redemptions (cancellations add reversing rows). */
export const settlements = sqliteTable(
  "settlements",
  {
    id: text("id").primaryKey(),
    programId: text("program_id").notNull(),
    redemptionId: text("redemption_id").notNull(),
    earningVenueId: text("earning_venue_id").notNull(),
    redeemingVenueId: text("redeeming_venue_id").notNull(),
    points: integer("points").notNull(),
    valueCents: integer("value_cents").notNull(),
    feeCents: integer("fee_cents").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (table) => [index("settlements_program_at_idx").on(table.programId, table.atMs)],
);

/**
 * Member sessions: an opaque random token in a cookie, stored here as its SHA-256 only. A session
 * ends after `SESSION_IDLE_DAYS` unused or `SESSION_ABSOLUTE_DAYS` in any case, at logout, or when
 * the member signs out everywhere (the Member actor's session epoch moves past `epoch`).
 */
export const memberSessions = sqliteTable(
  "member_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    memberId: text("member_id").notNull(),
    programId: text("program_id").notNull(),
    epoch: integer("epoch").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    lastSeenAtMs: integer("last_seen_at_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
  },
  (table) => [index("member_sessions_member_idx").on(table.memberId)],
);

/** One-time login links a kiosk shows as a QR code: stored as the token's SHA-256, used once, 10 minutes. */
export const loginLinks = sqliteTable("login_links", {
  tokenHash: text("token_hash").primaryKey(),
  memberId: text("member_id").notNull(),
  programId: text("program_id").notNull(),
  createdBy: text("created_by").notNull(),
  expiresAtMs: integer("expires_at_ms").notNull(),
  usedAtMs: integer("used_at_ms"),
});

/** Sign-In with Ethereum nonces: single use, 5 minutes, bound to the program the member signs in to. */
export const siweNonces = sqliteTable("siwe_nonces", {
  nonce: text("nonce").primaryKey(),
  programId: text("program_id").notNull(),
  expiresAtMs: integer("expires_at_ms").notNull(),
  usedAtMs: integer("used_at_ms"),
  /** The wallet (checksummed) the nonce was asked for, if any: only that wallet may sign in with it. */
  address: text("address"),
});

/** Which member a wallet belongs to, per program: one wallet is at most one member's in a program. */
export const memberWallets = sqliteTable(
  "member_wallets",
  {
    programId: text("program_id").notNull(),
    address: text("address").notNull(),
    memberId: text("member_id").notNull(),
    linkedAt: text("linked_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.programId, table.address] }),
    index("member_wallets_member_idx").on(table.memberId),
    // The token holder list pages a program's members in id order (issue 23).
    index("member_wallets_program_member_idx").on(table.programId, table.memberId),
  ],
);

/**
 * Kiosk sessions: staff sign a tablet in once with the venue key, and the tablet holds only this
 * session's opaque token in an HttpOnly cookie (stored here as its SHA-256). Revoking the key ends them.
 */
export const kioskSessions = sqliteTable(
  "kiosk_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    keyId: text("key_id").notNull(),
    venueId: text("venue_id").notNull(),
    programId: text("program_id").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
  },
  (table) => [index("kiosk_sessions_key_idx").on(table.keyId)],
);

/** Scheduled and live AMAs (issue 21): the directory the AMA list reads. The room's live state is its `Room` actor's. */
export const amas = sqliteTable(
  "amas",
  {
    /** The AMA id, which is also its Room actor's name and its TRTC room id (a string, never a number). */
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => programs.id),
    title: text("title").notNull(),
    hostMemberId: text("host_member_id").notNull(),
    startsAtMs: integer("starts_at_ms").notNull(),
    plannedMinutes: integer("planned_minutes").notNull(),
    status: text("status", { enum: ["scheduled", "live", "ended"] }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("amas_program_starts_idx").on(table.programId, table.startsAtMs), uniqueIndex("amas_program_key_idx").on(table.programId, table.idempotencyKey)],
);

/**
 * Tencent Chat channels (issue 22): who belongs in each group, as the last sync of each member computed
 * it from the member's actor (written before the sync's API calls, so a reconciliation never removes a
 * member a sync is adding). The hourly reconciliation compares each group's real membership with this.
 */
export const chatChannelMembers = sqliteTable(
  "chat_channel_members",
  {
    programId: text("program_id").notNull(),
    groupId: text("group_id").notNull(),
    memberId: text("member_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.programId, table.groupId, table.memberId] }), index("chat_channel_members_member_idx").on(table.programId, table.memberId)],
);

/** The tier each member's channels were last synced at: the reconciliation re-syncs a member whose projected tier differs. */
export const chatMemberSyncs = sqliteTable(
  "chat_member_syncs",
  {
    memberId: text("member_id").primaryKey(),
    programId: text("program_id").notNull(),
    tier: text("tier").notNull(),
    syncedAtMs: integer("synced_at_ms").notNull(),
  },
  (table) => [index("chat_member_syncs_program_idx").on(table.programId)],
);

/** An operator's announcement to chat channels; its deliveries are sent by the chat-sync queue. */
export const chatAnnouncements = sqliteTable("chat_announcements", {
  id: text("id").primaryKey(),
  programId: text("program_id")
    .notNull()
    .references(() => programs.id),
  text: text("text").notNull(),
  createdAt: text("created_at").notNull(),
});

/** One announcement to one group: pending until Tencent accepted it (a delivery is claimed for a minute while it is sent). */
export const chatAnnouncementDeliveries = sqliteTable(
  "chat_announcement_deliveries",
  {
    announcementId: text("announcement_id").notNull(),
    groupId: text("group_id").notNull(),
    gate: text("gate").notNull(),
    status: text("status", { enum: ["pending", "sent"] }).notNull(),
    /** Tencent's de-duplication number for the message, fixed per delivery so a retry is the same message. */
    random: integer("random").notNull(),
    attempts: integer("attempts").notNull(),
    claimedUntilMs: integer("claimed_until_ms").notNull(),
    msgSeq: integer("msg_seq"),
    lastError: text("last_error"),
    sentAtMs: integer("sent_at_ms"),
  },
  (table) => [primaryKey({ columns: [table.announcementId, table.groupId] }), index("chat_announcement_deliveries_status_idx").on(table.status, table.claimedUntilMs)],
);

/** Live events (issue 22): the directory the lists read. Seats, waitlist, Q&A and polls live in each event's Event actor. */
export const liveEvents = sqliteTable(
  "live_events",
  {
    /** The event id, which is also its Event actor's name and, with audio, its TRTC room id (a string). */
    id: text("id").primaryKey(),
    programId: text("program_id")
      .notNull()
      .references(() => programs.id),
    title: text("title").notNull(),
    hostMemberId: text("host_member_id").notNull(),
    startsAtMs: integer("starts_at_ms").notNull(),
    lengthMinutes: integer("length_minutes").notNull(),
    capacity: integer("capacity").notNull(),
    overflowSeats: integer("overflow_seats").notNull(),
    minTier: text("min_tier").notNull(),
    hasAudio: integer("has_audio", { mode: "boolean" }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("live_events_program_starts_idx").on(table.programId, table.startsAtMs), uniqueIndex("live_events_program_key_idx").on(table.programId, table.idempotencyKey)],
);

/**
 * What each address holds of the reward token and has moved (issue 23), written by the ChainWatcher
 * from the token's Transfer logs behind the confirmation depth. Rows carry absolute figures, never
 * increments, so a write repeated after a crash or a reorg's repair changes nothing. A member's token
 * view is the sum over the member's wallets (`member_wallets`), so an address linked in two programs
 * counts for both members, and linking a wallet brings its history with it.
 */
export const tokenHoldings = sqliteTable("token_holdings", {
  /** EIP-55 checksummed, as `member_wallets` stores it. */
  address: text("address").primaryKey(),
  /** Base units (18 decimals) as decimal strings: exact, past what SQLite integers hold. */
  balance: text("balance").notNull(),
  received: text("received").notNull(),
  sent: text("sent").notNull(),
  /** The same figures in whole tokens as floats: for analytics sums and ratios only. */
  balanceTokens: real("balance_tokens").notNull(),
  receivedTokens: real("received_tokens").notNull(),
  sentTokens: real("sent_tokens").notNull(),
  transfers: integer("transfers").notNull(),
  /** The newest block whose transfers these figures include. */
  asOfBlock: integer("as_of_block").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});
