import { applySchemaSteps } from "../schema-steps";

/**
 * The RewardStock actor's SQLite tables, applied in order once per object. Append a step to change
 * the schema; never edit a step that has shipped.
 */
export const stockSchemaSteps: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS holds (
     hold_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, day TEXT NOT NULL, status TEXT NOT NULL, expires_at_ms INTEGER NOT NULL
   );
   CREATE INDEX IF NOT EXISTS holds_day ON holds (day, status);
   CREATE INDEX IF NOT EXISTS holds_lapsing ON holds (expires_at_ms) WHERE status = 'held';`,
  // Units follow the redemption that owns them (hold token), counts are kept so a reserve reads
  // O(1) rows, and settled units are pruned. 'confirmed' was the old name of 'issued'.
  `ALTER TABLE holds ADD COLUMN token TEXT;
   ALTER TABLE holds ADD COLUMN updated_at_ms INTEGER NOT NULL DEFAULT 0;
   UPDATE holds SET status = 'issued' WHERE status = 'confirmed';
   CREATE INDEX holds_settled ON holds (updated_at_ms) WHERE status IN ('consumed', 'released');
   CREATE TABLE totals (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     reward_id TEXT,
     held INTEGER NOT NULL DEFAULT 0,
     issued INTEGER NOT NULL DEFAULT 0,
     consumed INTEGER NOT NULL DEFAULT 0,
     released INTEGER NOT NULL DEFAULT 0,
     seq INTEGER NOT NULL DEFAULT 0,
     synced_seq INTEGER NOT NULL DEFAULT 0
   );
   INSERT INTO totals (id, held, issued, released)
     SELECT 1, COUNT(*) FILTER (WHERE status = 'held'), COUNT(*) FILTER (WHERE status = 'issued'), COUNT(*) FILTER (WHERE status = 'released') FROM holds;
   CREATE TABLE day_claims (day TEXT PRIMARY KEY, claimed INTEGER NOT NULL);
   INSERT INTO day_claims (day, claimed) SELECT day, COUNT(*) FROM holds WHERE status != 'released' GROUP BY day;`,
];

/** Objects from before versioning ran step 0 already: its statements are IF NOT EXISTS, so it runs again harmlessly. */
export function applyStockSchema(sql: SqlStorage): void {
  applySchemaSteps(sql, stockSchemaSteps);
}
