import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applySchemaSteps } from "../schema-steps";
import { memberSchemaSteps } from "./storage-schema";

describe("the issue 23 schema step on a member created before it", () => {
  it("labels old lots with the kind that earned them (purchase, community credit, adjustment), and leaves the rest unknown so they never settle", async () => {
    const kinds = await runInDurableObject(env.MEMBER.getByName("member-before-issue-23"), (_member, state) => {
      const sql = state.storage.sql;
      applySchemaSteps(sql, memberSchemaSteps.slice(0, -1));
      sql.exec("INSERT INTO purchases (id, venue_id, amount_cents, points, status, occurred_at_ms, posts_at_ms, breakdown) VALUES ('pur_1', 'ven_1', 1000, 10, 'posted', 0, 0, '[]')");
      sql.exec("INSERT INTO community_credits (kind, source_id, points, day, week, at_ms, status, reply) VALUES ('voice_ama', 'ama_1', 50, '2026-01-01', '2026-W01', 0, 'credited', '{}')");
      sql.exec("INSERT INTO adjustments (id, points, reason, request_hash, reply, created_at_ms) VALUES ('adj_1', 20, 'goodwill', 'h', '{}', 0)");
      for (const source of ["pur_1", "voice_ama:ama_1", "adj_1", "cancel:red_1"]) {
        sql.exec("INSERT INTO lots (source, earned_at_ms, amount, remaining) VALUES (?, 0, 10, 10)", source);
      }
      applySchemaSteps(sql, memberSchemaSteps);
      return sql.exec<{ source: string; kind: string | null }>("SELECT source, kind FROM lots ORDER BY id").toArray();
    });
    expect(kinds).toEqual([
      { source: "pur_1", kind: "purchase" },
      { source: "voice_ama:ama_1", kind: "voice_ama" },
      { source: "adj_1", kind: "adjustment" },
      { source: "cancel:red_1", kind: null },
    ]);
  });
});
