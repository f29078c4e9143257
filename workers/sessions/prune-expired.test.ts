import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../index";

const dayMs = 86_400_000;

describe("the hourly clean-up of sign-in state", () => {
  it("deletes expired and idle sessions, expired kiosk sessions, and login links and nonces a day past expiry, and keeps the rest", async () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    const session = (token: string, lastSeen: number, expires: number) =>
      env.DB.prepare("INSERT INTO member_sessions (token_hash, member_id, program_id, epoch, created_at_ms, last_seen_at_ms, expires_at_ms) VALUES (?, 'm', 'p', 0, ?, ?, ?)").bind(token, lastSeen, lastSeen, expires);
    await env.DB.batch([
      session("live", now - dayMs, now + dayMs),
      session("idle", now - 8 * dayMs, now + dayMs),
      session("over", now - dayMs, now - 1),
      env.DB.prepare("INSERT INTO kiosk_sessions (token_hash, key_id, venue_id, program_id, created_at_ms, expires_at_ms) VALUES ('kiosk-over', 'k', 'v', 'p', 0, ?), ('kiosk-live', 'k', 'v', 'p', 0, ?)").bind(now - 1, now + dayMs),
      env.DB.prepare("INSERT INTO login_links (token_hash, member_id, program_id, created_by, expires_at_ms) VALUES ('link-old', 'm', 'p', 'v', ?), ('link-recent', 'm', 'p', 'v', ?)").bind(now - 2 * dayMs, now - 60_000),
      env.DB.prepare("INSERT INTO siwe_nonces (nonce, program_id, expires_at_ms) VALUES ('nonce-old', 'p', ?), ('nonce-recent', 'p', ?)").bind(now - 2 * dayMs, now - 60_000),
    ]);
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env);
    const ids = async (sql: string) => (await env.DB.prepare(sql).all<{ id: string }>()).results.map((row) => row.id);
    expect(await ids("SELECT token_hash AS id FROM member_sessions WHERE member_id = 'm' ORDER BY id")).toEqual(["live"]);
    expect(await ids("SELECT token_hash AS id FROM kiosk_sessions WHERE key_id = 'k'")).toEqual(["kiosk-live"]);
    expect(await ids("SELECT token_hash AS id FROM login_links WHERE member_id = 'm'")).toEqual(["link-recent"]);
    expect(await ids("SELECT nonce AS id FROM siwe_nonces WHERE program_id = 'p'")).toEqual(["nonce-recent"]);
  });
});
