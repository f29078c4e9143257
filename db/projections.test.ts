import { readFileSync, readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MemberEvent } from "../durable-objects/member/member-events";
import { applyMemberEvents, projectionRows } from "./projections";

/** A fresh embedded libSQL file with the same migrations D1 runs. */
async function libsqlDatabase() {
  const client = createClient({ url: `file:${path.join(mkdtempSync(path.join(tmpdir(), "loyalty-libsql-")), "read.db")}` });
  const migrations = readdirSync("migrations").filter((file) => file.endsWith(".sql")).sort();
  for (const file of migrations) {
    for (const statement of readFileSync(path.join("migrations", file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await client.execute(statement);
    }
  }
  return drizzle(client);
}

const snapshot = { tier: "BRONZE", available: 0, lifetimePoints: 0, lifetimeSpendCents: 0, visits: 0, debt: 0 };
const event = (memberId: string, seq: number, overrides: Partial<MemberEvent>): MemberEvent => ({
  v: 1,
  memberId,
  programId: "prg_1",
  seq,
  atMs: 1_790_000_000_000 + seq,
  kind: "points_posted",
  snapshot: { ...snapshot, available: seq * 10, lifetimePoints: seq * 10 },
  venues: [{ venueId: "ven_a", visits: seq, spendCents: seq * 1000 }],
  settlements: [],
  data: {},
  ...overrides,
});

const events: MemberEvent[] = [
  ...Array.from({ length: 6 }, (_, index) => event("mem_a", index + 1, {})),
  ...Array.from({ length: 4 }, (_, index) => event("mem_b", index + 1, {})),
  event("mem_b", 5, {
    kind: "redeemed",
    settlements: [{ id: "rdm_1:ven_a", programId: "prg_1", redemptionId: "rdm_1", earningVenueId: "ven_a", redeemingVenueId: "ven_b", points: 30, valueCents: 30, feeCents: 2, atMs: 1 }],
  }),
];

describe("the projection repository on libSQL", () => {
  it("keeps each member's newest snapshot and each settlement once, whatever the delivery order", async () => {
    const inOrder = await libsqlDatabase();
    await applyMemberEvents(inOrder, events);
    const rows = await projectionRows(inOrder);
    expect(rows.balances.map((row) => [row.memberId, row.lastSeq, row.available])).toEqual([
      ["mem_a", 6, 60],
      ["mem_b", 5, 50],
    ]);
    expect(rows.settlements).toHaveLength(1);

    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...events, ...events, ...events], { minLength: events.length * 3 }), fc.integer({ min: 1, max: 10 }), async (shuffled, batchSize) => {
        const database = await libsqlDatabase();
        for (let start = 0; start < shuffled.length; start += batchSize) await applyMemberEvents(database, shuffled.slice(start, start + batchSize));
        expect(await projectionRows(database)).toEqual(rows);
      }),
      { numRuns: 15 },
    );
  });
});
