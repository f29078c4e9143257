import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, programWithVenueKey } from "../../test/api";

const countMembers = async (programId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM members WHERE program_id = ?").bind(programId).first<{ n: number }>())?.n;

describe("POST /v1/members", () => {
  it("answers 401 without a key and with a wrong key", async () => {
    const noKey = await call("POST", "/v1/members", { token: null, body: { externalRef: "a" } });
    expect(noKey.status).toBe(401);
    expect(noKey.json.error.code).toBe("unauthorized");
    const wrongVenueKey = await call("POST", "/v1/members", { token: "vk_notarealkey", body: { externalRef: "a" } });
    expect(wrongVenueKey.status).toBe(401);
    const wrongOperator = await call("POST", "/v1/members", { token: "not-the-operator", body: { externalRef: "a", programId: "prg_x" } });
    expect(wrongOperator.status).toBe(401);
  });

  it("refuses a venue key of program A enrolling into program B with 403", async () => {
    const a = await programWithVenueKey("A");
    const b = await programWithVenueKey("B");
    const response = await call("POST", "/v1/members", {
      token: a.key,
      body: { programId: b.program.id, externalRef: "cross" },
      headers: { "Idempotency-Key": "cross-1" },
    });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe("forbidden_program");
    expect(await countMembers(b.program.id)).toBe(0);
  });

  it("enrolls with a venue key into the key's program, in D1 and in the Member actor", async () => {
    const { program, venue, key } = await programWithVenueKey();
    const response = await call("POST", "/v1/members", {
      token: key,
      body: { externalRef: "pos-1", email: "ada@example.com", birthday: "07-14", timezone: "Europe/London" },
      headers: { "Idempotency-Key": "enroll-1" },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ programId: program.id, tier: "BRONZE", enrolledVia: venue.id, timezone: "Europe/London" });
    expect(response.json.id).toMatch(/^mem_/);
    const fetched = await call("GET", `/v1/members/${response.json.id}`, { token: key });
    expect(fetched.json).toMatchObject(response.json);
    expect(await countMembers(program.id)).toBe(1);
  });

  it("answers 422 naming each bad field", async () => {
    const { key } = await programWithVenueKey();
    const response = await call("POST", "/v1/members", {
      token: key,
      body: { externalRef: "x", email: "not-an-email", birthday: "02-30", timezone: "Mars/Base" },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe("validation_failed");
    expect(response.json.error.fields.map((field: { path: string }) => field.path).sort()).toEqual(["birthday", "email", "timezone"]);
  });

  it("answers 413 for a body over 64 KiB and 400 for malformed JSON", async () => {
    const { key } = await programWithVenueKey();
    const large = await call("POST", "/v1/members", { token: key, body: { externalRef: "x".repeat(70 * 1024) } });
    expect(large.status).toBe(413);
    expect(large.json.error.code).toBe("payload_too_large");
    const malformed = await call("POST", "/v1/members", { token: key, rawBody: "{not json", headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("malformed_json");
    const notJson = await call("POST", "/v1/members", { token: key, rawBody: "externalRef=x", headers: { "Content-Type": "text/plain" } });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe("unsupported_content_type");
  });

  it("replays the first answer for the same key and body, with Idempotent-Replayed", async () => {
    const { key } = await programWithVenueKey();
    const request = { token: key, body: { email: "grace@example.com" }, headers: { "Idempotency-Key": "replay-1" } };
    const first = await call("POST", "/v1/members", request);
    const second = await call("POST", "/v1/members", request);
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(second.json).toEqual(first.json);
  });

  it("refuses the same key with a different body with 422 idempotency_key_reused", async () => {
    const { program, key } = await programWithVenueKey();
    const first = await call("POST", "/v1/members", { token: key, body: { externalRef: "r-1" }, headers: { "Idempotency-Key": "reuse-1" } });
    expect(first.status).toBe(201);
    const sameRefOtherEmail = await call("POST", "/v1/members", {
      token: key,
      body: { externalRef: "r-1", email: "x@example.com" },
      headers: { "Idempotency-Key": "reuse-1" },
    });
    expect(sameRefOtherEmail.status).toBe(422);
    expect(sameRefOtherEmail.json.error.code).toBe("idempotency_key_reused");
    const otherRef = await call("POST", "/v1/members", { token: key, body: { externalRef: "r-2" }, headers: { "Idempotency-Key": "reuse-1" } });
    expect(otherRef.status).toBe(422);
    expect(otherRef.json.error.code).toBe("idempotency_key_reused");
    expect(await countMembers(program.id)).toBe(1);
  });

  it("creates one member from 20 concurrent enrollments with one key", async () => {
    const { program, key } = await programWithVenueKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        call("POST", "/v1/members", { token: key, body: { phone: "+14155550123" }, headers: { "Idempotency-Key": "burst-1" } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((response) => response.json.id)).size).toBe(1);
    expect(responses.filter((response) => response.headers.get("Idempotent-Replayed") === "true")).toHaveLength(19);
    expect(await countMembers(program.id)).toBe(1);
  });

  it("is idempotent by externalRef within a program: a second enrollment answers 200 with the same member", async () => {
    const { program, key } = await programWithVenueKey();
    const first = await call("POST", "/v1/members", { token: key, body: { externalRef: "loyal-7" }, headers: { "Idempotency-Key": "k-1" } });
    const second = await call("POST", "/v1/members", { token: key, body: { externalRef: "loyal-7" }, headers: { "Idempotency-Key": "k-2" } });
    const noKey = await call("POST", "/v1/members", { token: key, body: { externalRef: "loyal-7" } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(noKey.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
    expect(noKey.json.id).toBe(first.json.id);
    expect(await countMembers(program.id)).toBe(1);
  });

  it("asks for an Idempotency-Key when there is no externalRef", async () => {
    const { key } = await programWithVenueKey();
    const response = await call("POST", "/v1/members", { token: key, body: { email: "no-key@example.com" } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("idempotency_key_missing");
  });

  it("needs programId with the operator token and finds it with a venue key", async () => {
    const { program } = await programWithVenueKey();
    const missing = await call("POST", "/v1/members", { body: { externalRef: "op-1" } });
    expect(missing.status).toBe(422);
    expect(missing.json.error.fields[0].path).toBe("programId");
    const enrolled = await call("POST", "/v1/members", { body: { externalRef: "op-1", programId: program.id } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.json.enrolledVia).toBe("operator");
    const unknownProgram = await call("POST", "/v1/members", { body: { externalRef: "op-1", programId: "prg_nope" } });
    expect(unknownProgram.status).toBe(404);
    expect(unknownProgram.json.error.code).toBe("program_not_found");
  });

  it("records the referrer from a referral code and refuses an unknown code", async () => {
    const { key } = await programWithVenueKey();
    const referrer = await call("POST", "/v1/members", { token: key, body: { externalRef: "referrer" } });
    const referred = await call("POST", "/v1/members", {
      token: key,
      body: { externalRef: "referred", referralCode: referrer.json.referralCode },
    });
    expect(referred.json.referredBy).toBe(referrer.json.id);
    const unknown = await call("POST", "/v1/members", { token: key, body: { externalRef: "lost", referralCode: "NOSUCHCODE" } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe("unknown_referral_code");
  });
});

describe("GET /v1/members/{id}", () => {
  it("hides a member from another program's venue key and answers 404 JSON for unknown members", async () => {
    const a = await programWithVenueKey("A");
    const b = await programWithVenueKey("B");
    const member = await call("POST", "/v1/members", { token: a.key, body: { externalRef: "private" } });
    const other = await call("GET", `/v1/members/${member.json.id}`, { token: b.key });
    const otherLedger = await call("GET", `/v1/members/${member.json.id}/ledger`, { token: b.key });
    const unknown = await call("GET", "/v1/members/mem_000000000000000000000000", { token: a.key });
    // Another program's member looks exactly like no member: same status, same code, no program named.
    for (const response of [other, otherLedger, unknown]) expect([response.status, response.json.error.code]).toEqual([404, "member_not_found"]);
    expect(JSON.stringify(other.json)).not.toContain(a.program.id);
  });
});

describe("GET /v1/programs/{id}/members", () => {
  it("pages through the program's directory with a cursor", async () => {
    const { program, key } = await programWithVenueKey();
    for (let n = 0; n < 5; n++) await call("POST", "/v1/members", { token: key, body: { externalRef: `page-${n}` } });
    const first = await call("GET", `/v1/programs/${program.id}/members?limit=3`, { token: key });
    expect(first.json.members).toHaveLength(3);
    const second = await call("GET", `/v1/programs/${program.id}/members?limit=3&cursor=${first.json.nextCursor}`, { token: key });
    expect(second.json.members).toHaveLength(2);
    expect(second.json.nextCursor).toBeNull();
    const refs = [...first.json.members, ...second.json.members].map((member: { externalRef: string }) => member.externalRef).sort();
    expect(refs).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
  });
});
