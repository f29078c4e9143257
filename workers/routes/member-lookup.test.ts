import { describe, expect, it } from "vitest";
import { call, programWithVenueKey } from "../../test/api";

type Enrollment = { externalRef?: string; email?: string; phone?: string };
type Directory = { members: { id: string; referralCode: string }[]; nextCursor: string | null };

async function enroll(key: string, body: Enrollment, idempotencyKey: string) {
  const response = await call("POST", "/v1/members", { token: key, body, headers: { "Idempotency-Key": idempotencyKey } });
  if (response.status !== 201) throw new Error(`enroll failed: ${JSON.stringify(response.json)}`);
  return response.json as { id: string; referralCode: string };
}

/** GET /v1/programs/{id}/members with the query written as given, so a test can send a raw "+". */
async function lookUp(key: string, programId: string, query: string) {
  const response = await call("GET", `/v1/programs/${programId}/members?${query}`, { token: key });
  return { status: response.status, json: response.json as Directory & { error: { code: string; fields: { path: string }[] } } };
}

const ids = (directory: Directory) => directory.members.map((member) => member.id);

/** Two programs; Anna and Bruno in A, and Anna's same details enrolled in B as well. */
async function kioskDirectory() {
  const a = await programWithVenueKey("Lookup A");
  const b = await programWithVenueKey("Lookup B");
  const anna = await enroll(a.key, { externalRef: "pos-anna", email: "anna@example.com", phone: "+14155550123" }, "lookup-anna");
  const bruno = await enroll(a.key, { externalRef: "pos-bruno", email: "Bruno+Kiosk@Example.com", phone: "+447700900123" }, "lookup-bruno");
  const annaInB = await enroll(b.key, { externalRef: "pos-anna", email: "anna@example.com", phone: "+14155550123" }, "lookup-anna-b");
  return { a, b, anna, bruno, annaInB };
}

describe("GET /v1/programs/{id}/members look-ups", () => {
  it("finds a member by referral code, typed in any case with stray spaces", async () => {
    const { a, anna } = await kioskDirectory();
    const exact = await lookUp(a.key, a.program.id, `referralCode=${anna.referralCode}`);
    expect(exact.status).toBe(200);
    expect(ids(exact.json)).toEqual([anna.id]);
    const typed = await lookUp(a.key, a.program.id, `referralCode=${encodeURIComponent(`  ${anna.referralCode.toLowerCase()} `)}`);
    expect(ids(typed.json)).toEqual([anna.id]);
  });

  it("finds a member by phone, with the + encoded or sent bare", async () => {
    const { a, bruno } = await kioskDirectory();
    const encoded = await lookUp(a.key, a.program.id, `phone=${encodeURIComponent("+447700900123")}`);
    expect(encoded.status).toBe(200);
    expect(ids(encoded.json)).toEqual([bruno.id]);
    const bare = await lookUp(a.key, a.program.id, "phone=+447700900123");
    expect(ids(bare.json)).toEqual([bruno.id]);
  });

  it("finds a member by email whatever the case it was enrolled or typed in", async () => {
    const { a, anna, bruno } = await kioskDirectory();
    const shouted = await lookUp(a.key, a.program.id, `email=${encodeURIComponent("Anna@Example.COM")}`);
    expect(shouted.status).toBe(200);
    expect(ids(shouted.json)).toEqual([anna.id]);
    const lower = await lookUp(a.key, a.program.id, `email=${encodeURIComponent("bruno+kiosk@example.com")}`);
    expect(ids(lower.json)).toEqual([bruno.id]);
  });

  it("finds a member by external ref, matched exactly", async () => {
    const { a, bruno } = await kioskDirectory();
    const found = await lookUp(a.key, a.program.id, "externalRef=pos-bruno");
    expect(found.status).toBe(200);
    expect(ids(found.json)).toEqual([bruno.id]);
    const otherCase = await lookUp(a.key, a.program.id, "externalRef=POS-BRUNO");
    expect(ids(otherCase.json)).toEqual([]);
  });

  it("requires every filter given to match", async () => {
    const { a, anna } = await kioskDirectory();
    const both = await lookUp(a.key, a.program.id, `email=anna%40example.com&phone=${encodeURIComponent("+14155550123")}`);
    expect(ids(both.json)).toEqual([anna.id]);
    const mixed = await lookUp(a.key, a.program.id, `email=anna%40example.com&phone=${encodeURIComponent("+447700900123")}`);
    expect(ids(mixed.json)).toEqual([]);
  });

  it("answers an empty list, not 404, when nobody matches", async () => {
    const { a } = await kioskDirectory();
    const unknown = await lookUp(a.key, a.program.id, `email=nobody%40example.com`);
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ members: [], nextCursor: null });
  });

  it("keeps each program's members to itself", async () => {
    const { a, b, anna, annaInB } = await kioskDirectory();
    const ownProgram = await lookUp(b.key, b.program.id, `referralCode=${anna.referralCode}`);
    expect(ids(ownProgram.json)).toEqual([]);
    const sameEmail = await lookUp(b.key, b.program.id, "email=anna%40example.com");
    expect(ids(sameEmail.json)).toEqual([annaInB.id]);
    const otherProgram = await lookUp(b.key, a.program.id, `referralCode=${anna.referralCode}`);
    expect(otherProgram.status).toBe(403);
    expect(otherProgram.json.error.code).toBe("forbidden_program");
  });

  it("answers 422 naming a phone that is not E.164 and an email that is not one", async () => {
    const { a } = await kioskDirectory();
    const badPhone = await lookUp(a.key, a.program.id, "phone=4155550123");
    expect(badPhone.status).toBe(422);
    expect(badPhone.json.error.code).toBe("validation_failed");
    expect(badPhone.json.error.fields.map((field) => field.path)).toEqual(["phone"]);
    const badEmail = await lookUp(a.key, a.program.id, "email=anna");
    expect(badEmail.status).toBe(422);
    expect(badEmail.json.error.fields.map((field) => field.path)).toEqual(["email"]);
  });

  it("pages through several members sharing an email", async () => {
    const { a, anna } = await kioskDirectory();
    const twin = await enroll(a.key, { externalRef: "pos-anna-twin", email: "ANNA@example.com" }, "lookup-anna-twin");
    const first = await lookUp(a.key, a.program.id, "email=anna%40example.com&limit=1");
    expect(ids(first.json)).toEqual([anna.id]);
    expect(first.json.nextCursor).not.toBeNull();
    const second = await lookUp(a.key, a.program.id, `email=anna%40example.com&limit=1&cursor=${first.json.nextCursor}`);
    expect(ids(second.json)).toEqual([twin.id]);
    expect(second.json.nextCursor).toBeNull();
  });

  it("documents the filters in the OpenAPI document", async () => {
    const doc = await call("GET", "/openapi.json", { token: null });
    const parameters: { name: string; in: string }[] = doc.json.paths["/v1/programs/{id}/members"].get.parameters;
    expect(parameters.filter((parameter) => parameter.in === "query").map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(["referralCode", "phone", "email", "externalRef", "limit", "cursor"]),
    );
  });
});
