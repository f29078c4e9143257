import { describe, expect, it } from "vitest";
import { call, programWithVenueKey } from "../../test/api";
import { enroll } from "../../test/ledger";
import { crossVenueRedemption, loseSettlements, settlementPairs } from "../../test/projections";
import { deriveMemberId } from "../members/member-id";

describe("POST /v1/members/{id}/projection/rebuild", () => {
  it("brings a lost settlement back into the settlements report, and is safe to repeat", async () => {
    const { programId, memberId, lastSeq, pairs } = await crossVenueRedemption("route-heal");
    await loseSettlements(programId);
    expect(await settlementPairs(programId)).toEqual([]);

    const rebuilt = await call("POST", `/v1/members/${memberId}/projection/rebuild`);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toEqual({ memberId, programId, seq: lastSeq, settlements: 1 });
    expect(await settlementPairs(programId)).toEqual(pairs);

    expect((await call("POST", `/v1/members/${memberId}/projection/rebuild`)).status).toBe(200);
    expect(await settlementPairs(programId)).toEqual(pairs);
  });

  it("is for the operator: 401 without a token, 403 operator_only with a venue key", async () => {
    const { key } = await programWithVenueKey("Rebuild auth");
    const memberId = await enroll(key, "route-auth");
    expect((await call("POST", `/v1/members/${memberId}/projection/rebuild`, { token: null })).status).toBe(401);
    const venue = await call("POST", `/v1/members/${memberId}/projection/rebuild`, { token: key });
    expect(venue.status).toBe(403);
    expect(venue.json.error.code).toBe("operator_only");
  });

  it("answers 404 member_not_found for an id that is no member", async () => {
    const unknown = await call("POST", `/v1/members/${deriveMemberId("prg_nowhere", { externalRef: "nobody" })}/projection/rebuild`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("member_not_found");
    const malformed = await call("POST", "/v1/members/not-a-member/projection/rebuild");
    expect(malformed.status).toBe(404);
    expect(malformed.json.error.code).toBe("member_not_found");
  });
});
