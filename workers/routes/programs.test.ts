import { describe, expect, it } from "vitest";
import { call, createProgram, createVenue, issueVenueKey, programWithVenueKey } from "../../test/api";

describe("programs", () => {
  it("creates a program from a preset with overrides merged in", async () => {
    const response = await call("POST", "/v1/programs", {
      body: { name: "Harbour", preset: "restaurant", overrides: { earn: { firstVisitBonus: 150 }, expiry: { lowestTierOnly: true } } },
    });
    expect(response.status).toBe(201);
    expect(response.json.id).toMatch(/^prg_/);
    expect(response.json.config.earn).toMatchObject({ firstVisitBonus: 150, birthdayMonthBonus: 50 });
    expect(response.json.config.expiry.lowestTierOnly).toBe(true);
    const fetched = await call("GET", `/v1/programs/${response.json.id}`);
    expect(fetched.json).toEqual(response.json);
  });

  it("answers 422 naming the override that breaks the configuration", async () => {
    const response = await call("POST", "/v1/programs", {
      body: { name: "Bad", preset: "community", overrides: { tiers: [{ code: "lower case", multiplier: 1, qualify: {} }] } },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.fields.map((field: { path: string }) => field.path)).toContain("overrides.tiers.0.code");
  });

  it("answers 422 for an unknown preset", async () => {
    const response = await call("POST", "/v1/programs", { body: { name: "Bad", preset: "casino" } });
    expect(response.status).toBe(422);
    expect(response.json.error.fields[0].path).toBe("preset");
  });

  it("replays a create with the same Idempotency-Key instead of creating a second program", async () => {
    const request = { body: { name: "Once", preset: "community" }, headers: { "Idempotency-Key": "program-once" } };
    const [first, second] = await Promise.all([call("POST", "/v1/programs", request), call("POST", "/v1/programs", request)]);
    expect(second.json.id).toBe(first.json.id);
    const third = await call("POST", "/v1/programs", request);
    expect(third.headers.get("Idempotent-Replayed")).toBe("true");
    expect(third.json).toEqual(first.json);
    const reused = await call("POST", "/v1/programs", { ...request, body: { name: "Other", preset: "community" } });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe("idempotency_key_reused");
  });

  it("lists programs a page at a time", async () => {
    await createProgram("P1");
    await createProgram("P2");
    const page = await call("GET", "/v1/programs?limit=1");
    expect(page.json.programs).toHaveLength(1);
    const next = await call("GET", `/v1/programs?limit=1&cursor=${page.json.nextCursor}`);
    expect(next.json.programs[0].id > page.json.programs[0].id).toBe(true);
    const bad = await call("GET", "/v1/programs?cursor=garbage");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_cursor");
  });

  it("keeps operator routes away from venue keys", async () => {
    const { key } = await programWithVenueKey();
    const response = await call("POST", "/v1/programs", { token: key, body: { name: "Nope", preset: "restaurant" } });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe("operator_only");
  });
});

describe("venues and their API keys", () => {
  it("adds venues with coalition settings and lists them to the program's own venue keys only", async () => {
    const program = await createProgram();
    const added = await call("POST", `/v1/programs/${program.id}/venues`, {
      body: { name: "Uptown", allowCrossVenueRedemption: false, maxCrossVenueRedemptionPercent: 50, revenueSharePercent: 2.5 },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ timezone: "America/New_York", participatesInCoalition: true, maxCrossVenueRedemptionPercent: 50 });
    const key = await issueVenueKey(added.json.id);
    const listed = await call("GET", `/v1/programs/${program.id}/venues`, { token: key.key });
    expect(listed.json.venues.map((venue: { name: string }) => venue.name)).toEqual(["Uptown"]);
    const other = await programWithVenueKey();
    const foreign = await call("GET", `/v1/programs/${program.id}/venues`, { token: other.key });
    expect(foreign.status).toBe(403);
  });

  it("answers 404 for a venue in a program that does not exist", async () => {
    const response = await call("POST", "/v1/programs/prg_missing/venues", { body: { name: "Ghost" } });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe("program_not_found");
  });

  it("shows a key once, lists only its prefix, and stops accepting it once revoked", async () => {
    const program = await createProgram();
    const venue = await createVenue(program.id);
    const issued = await issueVenueKey(venue.id);
    expect(issued.key).toMatch(/^vk_/);
    const listed = await call("GET", `/v1/venues/${venue.id}/keys`);
    expect(listed.json.keys).toHaveLength(1);
    expect(JSON.stringify(listed.json)).not.toContain(issued.key);
    expect(listed.json.keys[0].prefix).toBe(issued.key.slice(0, 11));

    const before = await call("GET", `/v1/programs/${program.id}/venues`, { token: issued.key });
    expect(before.status).toBe(200);
    const revoked = await call("DELETE", `/v1/venues/${venue.id}/keys/${issued.id}`);
    expect(revoked.json.revokedAt).not.toBeNull();
    const after = await call("GET", `/v1/programs/${program.id}/venues`, { token: issued.key });
    expect(after.status).toBe(401);
  });
});

describe("the error model", () => {
  it("answers JSON 404 for an unknown route", async () => {
    const response = await call("GET", "/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe("route_not_found");
  });

  it("serves the OpenAPI document and the reference page", async () => {
    const doc = await call("GET", "/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toContain("/v1/members");
    const docs = await call("GET", "/docs", { token: null });
    expect(docs.status).toBe(200);
    expect(docs.json).toContain("/openapi.json");
  });
});
