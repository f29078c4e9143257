import { applySchemaSteps } from "../schema-steps";

/**
 * The Member actor's SQLite tables, applied in order once per object. Append a step to change
 * the schema; never edit a step that has shipped (objects already ran it).
 */
export const memberSchemaSteps: readonly string[] = [
  `CREATE TABLE profile (
     id TEXT PRIMARY KEY,
     program_id TEXT NOT NULL,
     external_ref TEXT,
     email TEXT,
     phone TEXT,
     birthday TEXT,
     timezone TEXT NOT NULL,
     referral_code TEXT NOT NULL,
     referred_by TEXT,
     tier TEXT NOT NULL,
     enrolled_via TEXT NOT NULL,
     enrolled_at TEXT NOT NULL
   );
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT NOT NULL,
     status INTEGER NOT NULL,
     response TEXT NOT NULL,
     created_at_ms INTEGER NOT NULL
   );
   CREATE INDEX idempotency_created ON idempotency (created_at_ms);`,
  `CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), program_config TEXT NOT NULL);
   CREATE TABLE counters (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     lifetime_points INTEGER NOT NULL DEFAULT 0,
     lifetime_spend_cents INTEGER NOT NULL DEFAULT 0,
     visits INTEGER NOT NULL DEFAULT 0,
     debt INTEGER NOT NULL DEFAULT 0,
     last_activity_ms INTEGER,
     birthday_bonus_year INTEGER,
     inactivity_warned_for_ms INTEGER,
     event_seq INTEGER NOT NULL DEFAULT 0
   );
   INSERT INTO counters (id) VALUES (1);
   CREATE TABLE entries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     delta INTEGER NOT NULL,
     pending_delta INTEGER NOT NULL,
     balance_after INTEGER NOT NULL,
     ref TEXT,
     venue_id TEXT,
     detail TEXT,
     at_ms INTEGER NOT NULL
   );
   CREATE TABLE lots (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     source TEXT NOT NULL,
     venue_id TEXT,
     earned_at_ms INTEGER NOT NULL,
     expires_at_ms INTEGER,
     amount INTEGER NOT NULL,
     remaining INTEGER NOT NULL,
     warned INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX lots_live ON lots (expires_at_ms) WHERE remaining > 0;
   CREATE TABLE purchases (
     id TEXT PRIMARY KEY,
     venue_id TEXT NOT NULL,
     amount_cents INTEGER NOT NULL,
     points INTEGER NOT NULL,
     refunded_cents INTEGER NOT NULL DEFAULT 0,
     reversed_points INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL,
     occurred_at_ms INTEGER NOT NULL,
     posts_at_ms INTEGER NOT NULL,
     breakdown TEXT NOT NULL
   );
   CREATE INDEX purchases_due ON purchases (posts_at_ms) WHERE status = 'pending';
   CREATE TABLE venue_stats (
     venue_id TEXT PRIMARY KEY,
     purchases INTEGER NOT NULL DEFAULT 0,
     visits INTEGER NOT NULL DEFAULT 0,
     spend_cents INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE redemptions (
     id TEXT PRIMARY KEY,
     reward_id TEXT NOT NULL,
     code TEXT NOT NULL,
     venue_id TEXT,
     points INTEGER NOT NULL,
     status TEXT NOT NULL,
     allocations TEXT NOT NULL,
     created_at_ms INTEGER NOT NULL,
     updated_at_ms INTEGER NOT NULL
   );
   CREATE INDEX redemptions_reward ON redemptions (reward_id, status);
   CREATE TABLE settlements (id TEXT PRIMARY KEY, payload TEXT NOT NULL);
   CREATE TABLE outbox (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL, sent_at_ms INTEGER);
   CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at_ms IS NULL;`,
  `ALTER TABLE counters ADD COLUMN next_review_ms INTEGER;
   CREATE INDEX purchases_posted ON purchases (posts_at_ms) WHERE status = 'posted';`,
  // A purchase's own row is its idempotency record (its id derives from the key): rows from before
  // this step keep theirs in \`idempotency\` and have no hash here.
  `ALTER TABLE purchases ADD COLUMN request_hash TEXT;`,
  // Every record a key makes is its own idempotency record and stays unique after the key is purged:
  // refunds and adjustments get rows, redemptions keep their request's hash and first answer and the
  // stock hold they were made under. A lapsed hold is remembered so its redemption is refused later;
  // a stocked redemption's change waits in stock_sync until its RewardStock has followed it.
  `CREATE TABLE refunds (id TEXT PRIMARY KEY, purchase_id TEXT NOT NULL, request_hash TEXT NOT NULL, reply TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
   CREATE TABLE adjustments (id TEXT PRIMARY KEY, points INTEGER NOT NULL, reason TEXT NOT NULL, request_hash TEXT NOT NULL, reply TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
   ALTER TABLE redemptions ADD COLUMN request_hash TEXT;
   ALTER TABLE redemptions ADD COLUMN reply TEXT;
   ALTER TABLE redemptions ADD COLUMN hold_token TEXT;
   ALTER TABLE redemptions ADD COLUMN stocked INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE lapsed_holds (redemption_id TEXT NOT NULL, hold_token TEXT NOT NULL, PRIMARY KEY (redemption_id, hold_token));
   CREATE TABLE stock_sync (redemption_id TEXT PRIMARY KEY, reward_id TEXT NOT NULL);`,
  // Sessions older than the member's epoch are over: "sign out everywhere" is one write here.
  `ALTER TABLE counters ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;`,
  // Community earning: every credit is one row per (kind, source), so a source pays once and keeps its
  // first answer; the streak and referral counters; referral payouts wait in referral_sync until the
  // referrer's actor has taken them (the referred member's durable state drives the referrer's).
  `CREATE TABLE community_credits (
     kind TEXT NOT NULL,
     source_id TEXT NOT NULL,
     points INTEGER NOT NULL,
     feature TEXT,
     day TEXT NOT NULL,
     week TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     status TEXT NOT NULL,
     reply TEXT NOT NULL,
     PRIMARY KEY (kind, source_id)
   );
   CREATE INDEX community_credits_kind_day ON community_credits (kind, day);
   CREATE INDEX community_credits_week ON community_credits (week, feature);
   CREATE TABLE referral_sync (referrer_id TEXT NOT NULL, referred_id TEXT NOT NULL, level INTEGER NOT NULL, PRIMARY KEY (referrer_id, referred_id, level));
   ALTER TABLE counters ADD COLUMN streak_current INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE counters ADD COLUMN streak_longest INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE counters ADD COLUMN streak_last_day TEXT;
   ALTER TABLE counters ADD COLUMN streak_warned_day TEXT;
   ALTER TABLE counters ADD COLUMN community_active_ms INTEGER;
   ALTER TABLE counters ADD COLUMN inactive_warned_ms INTEGER;
   ALTER TABLE counters ADD COLUMN referral_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE counters ADD COLUMN referral_points INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE counters ADD COLUMN referral_triggered INTEGER NOT NULL DEFAULT 0;`,
  // A kind's cooldown asks for its last credit: an index answers it without reading the kind's history.
  `CREATE INDEX community_credits_kind_at ON community_credits (kind, status, at_ms);`,
  // Community credits tell the read side in one coalesced snapshot a moment later, not one event each.
  `ALTER TABLE counters ADD COLUMN snapshot_due_ms INTEGER;`,
  // Issue 20. Tiers follow the points: every change to tier-qualifying points is a row dated by when
  // the points were earned (a takeback carries the date of what it takes back), so a review window
  // and the all-time total read the same record. Rows from before: posted purchases and credits, and
  // what else lifetime points held (qualifying adjustments) dated at 0, outside any window.
  // A member is verified by a first qualifying action; owed referral payouts (and their reversals)
  // wait in referral_outbox, where a refused one is parked with its reason, never dropped.
  `CREATE TABLE qualifying_points (id INTEGER PRIMARY KEY AUTOINCREMENT, earned_at_ms INTEGER NOT NULL, delta INTEGER NOT NULL, ref TEXT);
   CREATE INDEX qualifying_points_earned ON qualifying_points (earned_at_ms);
   INSERT INTO qualifying_points (earned_at_ms, delta, ref) SELECT posts_at_ms, points - reversed_points, id FROM purchases WHERE status = 'posted';
   INSERT INTO qualifying_points (earned_at_ms, delta, ref) SELECT at_ms, points, kind || ':' || source_id FROM community_credits WHERE status = 'credited';
   INSERT INTO qualifying_points (earned_at_ms, delta, ref)
     SELECT 0, lifetime_points - (SELECT COALESCE(SUM(delta), 0) FROM qualifying_points), 'before_issue_20' FROM counters
     WHERE lifetime_points != (SELECT COALESCE(SUM(delta), 0) FROM qualifying_points);
   ALTER TABLE counters ADD COLUMN verified_at_ms INTEGER;
   ALTER TABLE counters ADD COLUMN referral_purchase_id TEXT;
   UPDATE counters SET verified_at_ms = COALESCE(
     (SELECT MIN(at_ms) FROM community_credits WHERE status = 'credited' AND kind IN ('voice_ama', 'live_event', 'chat_activity', 'governance_vote')),
     (SELECT MIN(posts_at_ms) FROM purchases WHERE status = 'posted'));
   CREATE TABLE referral_outbox (
     referrer_id TEXT NOT NULL,
     referred_id TEXT NOT NULL,
     level INTEGER NOT NULL,
     action TEXT NOT NULL,
     owed_at_ms INTEGER NOT NULL,
     parked_code TEXT,
     parked_message TEXT,
     parked_at_ms INTEGER,
     PRIMARY KEY (referrer_id, referred_id, level, action)
   );
   INSERT INTO referral_outbox (referrer_id, referred_id, level, action, owed_at_ms) SELECT referrer_id, referred_id, level, 'pay', 0 FROM referral_sync;
   DROP TABLE referral_sync;`,
  // When the member last signed out everywhere: a login link issued before it is refused, however it races the sign-out.
  // Held credits are read by every view and by verification: a partial index finds them without a scan.
  `ALTER TABLE counters ADD COLUMN signed_out_at_ms INTEGER;
   CREATE INDEX community_credits_held ON community_credits (status) WHERE status = 'held';`,
  // Issue 22. Chat messages from Tencent Chat callbacks, once each by (group, sequence): their local
  // day, time and text fingerprint (never the words), whether they counted toward chat_activity. Days
  // older than the callback window are pruned, so this holds a few days of one member's messages.
  `CREATE TABLE chat_messages (
     group_id TEXT NOT NULL,
     msg_seq INTEGER NOT NULL,
     day TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     text_key TEXT NOT NULL,
     counted INTEGER NOT NULL,
     PRIMARY KEY (group_id, msg_seq)
   );
   CREATE INDEX chat_messages_day ON chat_messages (day, counted);`,
  // Issue 23. Points become tokens. A lot records the credit kind that earned it (settlement settles some
  // kinds only); lots from before are labelled where their source says (a purchase, a community credit,
  // an adjustment), others (a cancelled redemption's) stay unknown and never settle. The pinned payout
  // wallet is its audited history of changes.
  // A payout reserves points until the chain settles it or it is returned; its intent waits in
  // payout_outbox until the settlement Queue took it. Running totals keep token amounts (decimal
  // strings: base units pass 2^53) so reconciliation reads one row.
  `ALTER TABLE lots ADD COLUMN kind TEXT;
   UPDATE lots SET kind = 'purchase' WHERE source IN (SELECT id FROM purchases);
   UPDATE lots SET kind = (SELECT credit.kind FROM community_credits AS credit WHERE credit.kind || ':' || credit.source_id = lots.source) WHERE kind IS NULL;
   UPDATE lots SET kind = 'adjustment' WHERE kind IS NULL AND source IN (SELECT id FROM adjustments);
   CREATE TABLE payout_wallet_changes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     from_address TEXT,
     to_address TEXT NOT NULL,
     requested_at_ms INTEGER NOT NULL,
     effective_at_ms INTEGER NOT NULL,
     cancelled_at_ms INTEGER,
     requested_by TEXT NOT NULL,
     cancelled_by TEXT
   );
   CREATE TABLE token_payouts (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     intent_id TEXT NOT NULL UNIQUE,
     points INTEGER NOT NULL,
     token_amount TEXT NOT NULL,
     address TEXT NOT NULL,
     status TEXT NOT NULL,
     allocations TEXT NOT NULL,
     day TEXT NOT NULL,
     cut_at_ms INTEGER NOT NULL,
     settlement_id INTEGER,
     tx_hash TEXT,
     settled_at_ms INTEGER,
     returned_at_ms INTEGER,
     return_reason TEXT
   );
   CREATE INDEX token_payouts_day ON token_payouts (day) WHERE status != 'returned';
   CREATE INDEX token_payouts_reserved ON token_payouts (seq) WHERE status = 'reserved';
   CREATE TABLE payout_outbox (intent_id TEXT PRIMARY KEY, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at_ms INTEGER NOT NULL);
   CREATE TABLE payout_totals (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     reserved_points INTEGER NOT NULL DEFAULT 0,
     settled_points INTEGER NOT NULL DEFAULT 0,
     reserved_units TEXT NOT NULL DEFAULT '0',
     settled_units TEXT NOT NULL DEFAULT '0'
   );
   INSERT INTO payout_totals (id) VALUES (1);`,
];

/** Whether this object was ever enrolled: an unknown member id must not write storage (a schema) just by being asked. */
export function hasSchema(sql: SqlStorage): boolean {
  return sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").toArray().length > 0;
}

export function applySchema(sql: SqlStorage): void {
  applySchemaSteps(sql, memberSchemaSteps);
}
