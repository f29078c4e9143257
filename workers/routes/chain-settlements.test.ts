import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createProgram } from "../../test/api";
import { freshAddress, settler } from "../../test/settler";

/** A final settlement as the settler stores it, paying `programId`'s members and another program's. */
function storeFinalSettlement(programId: string, settlementId: number) {
  return runInDurableObject(settler(), (_instance, state) => {
    const sql = state.storage.sql;
    const batchId = sql
      .exec<{ batch_id: number }>(
        "INSERT INTO batches (settlement_id, state, recipients, recipient_count, total_amount, nonce, gas_limit, gas_used, block_number, final_hash, created_at_ms, final_at_ms) VALUES (?, 'final', '[]', 3, '600', 4, 200000, 81234, 12, '0xfinal' || ?, 1800000000000, 1800000060000) RETURNING batch_id",
        settlementId,
        String(settlementId),
      )
      .one().batch_id;
    sql.exec("INSERT INTO attempts (hash, batch_id, settlement_id, nonce, raw, max_fee_per_gas, max_priority_fee_per_gas, created_at_ms, sent_at_ms) VALUES ('0xfirst' || ?, ?, ?, 4, '0x', '1000', '100', 1800000000000, 1800000000001)", String(settlementId), batchId, settlementId);
    sql.exec("INSERT INTO attempts (hash, batch_id, settlement_id, nonce, raw, max_fee_per_gas, max_priority_fee_per_gas, created_at_ms, sent_at_ms) VALUES ('0xfinal' || ?, ?, ?, 4, '0x', '1125', '113', 1800000030000, 1800000030001)", String(settlementId), batchId, settlementId);
    const intent = (id: string, program: string, amount: string) =>
      sql.exec("INSERT INTO intents (intent_id, member_id, program_id, address, points, token_amount, cut_at_ms, payload, state, batch_id, queued_at_ms) VALUES (?, ?, ?, ?, 1, ?, 0, '{}', 'settled', ?, 0)", id, id.split(":")[0], program, freshAddress(), amount, batchId);
    intent(`a-${settlementId}:1`, programId, "100");
    intent(`b-${settlementId}:1`, programId, "200");
    intent(`c-${settlementId}:1`, "prg_other", "300");
  });
}

describe("chain settlements (operator)", () => {
  it("needs the operator token", async () => {
    const program = await createProgram("Chain auth", "community");
    expect((await call("GET", `/v1/programs/${program.id}/settlements/chain`, { token: null })).status).toBe(401);
    expect((await call("GET", `/v1/programs/${program.id}/settlements/chain/reconciliation`, { token: "wrong" })).status).toBe(401);
  });

  it("answers 404 for an unknown program", async () => {
    const response = await call("GET", "/v1/programs/prg_missing/settlements/chain");
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe("program_not_found");
  });

  it("lists the program's settlements newest first with every transaction, gas and recipient counts, a page at a time", async () => {
    const program = await createProgram("Chain listing", "community");
    await storeFinalSettlement(program.id, 41);
    await storeFinalSettlement(program.id, 42);
    const first = await call("GET", `/v1/programs/${program.id}/settlements/chain?limit=1`);
    expect(first.status).toBe(200);
    expect(first.json.settlements).toEqual([
      {
        batchId: expect.any(Number),
        settlementId: 42,
        state: "final",
        transactions: [
          { hash: "0xfirst42", nonce: 4, settlementId: 42, maxFeePerGas: "1000", maxPriorityFeePerGas: "100", sentAt: "2027-01-15T08:00:00.001Z", lastError: null },
          { hash: "0xfinal42", nonce: 4, settlementId: 42, maxFeePerGas: "1125", maxPriorityFeePerGas: "113", sentAt: "2027-01-15T08:00:30.001Z", lastError: null },
        ],
        finalTxHash: "0xfinal42",
        gasUsed: 81234,
        blockNumber: 12,
        recipientCount: 3,
        programRecipientCount: 2,
        totalTokenAmount: "600",
        programTokenAmount: "300",
        createdAt: "2027-01-15T08:00:00.000Z",
        finalAt: "2027-01-15T08:01:00.000Z",
        abandonedReason: null,
      },
    ]);
    const second = await call("GET", `/v1/programs/${program.id}/settlements/chain?limit=1&cursor=${first.json.nextCursor}`);
    expect(second.json.settlements.map((item: { settlementId: number }) => item.settlementId)).toEqual([41]);
    expect(second.json.nextCursor).toBeNull();
  });

  it("does not take over the coalition's venue settlements route", async () => {
    const program = await createProgram("Coalition sums", "restaurant");
    const response = await call("GET", `/v1/programs/${program.id}/settlements`);
    expect(response.status).toBe(200);
    expect(response.json.pairs).toEqual([]);
  });

  it("answers 400 for a cursor it did not issue", async () => {
    const program = await createProgram("Chain cursor", "community");
    expect((await call("GET", `/v1/programs/${program.id}/settlements/chain?cursor=nonsense`)).status).toBe(400);
  });

  it("shows no reconciliation before the first run", async () => {
    const program = await createProgram("Chain reconciliation", "community");
    const response = await call("GET", `/v1/programs/${program.id}/settlements/chain/reconciliation`);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ programId: program.id, reconciliation: null });
  });
});
