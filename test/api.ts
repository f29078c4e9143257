import { exports } from "cloudflare:workers";

export const operatorToken = "test-operator-token";

type CallOptions = { token?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string };

/** Calls the worker as a client would, through its fetch handler with the real bindings. */
export async function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? operatorToken : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await exports.default.fetch(`https://loyalty.test${path}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  const json: any = text.length > 0 && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, json };
}

export async function createProgram(name = "Test coalition", preset: "restaurant" | "community" = "restaurant", overrides?: object) {
  const response = await call("POST", "/v1/programs", { body: { name, preset, overrides } });
  if (response.status !== 201) throw new Error(`create program failed: ${JSON.stringify(response.json)}`);
  return response.json as { id: string; config: { tiers: { code: string }[] } };
}

export async function createVenue(programId: string, name = "Venue") {
  const response = await call("POST", `/v1/programs/${programId}/venues`, { body: { name } });
  if (response.status !== 201) throw new Error(`create venue failed: ${JSON.stringify(response.json)}`);
  return response.json as { id: string; programId: string };
}

export async function issueVenueKey(venueId: string) {
  const response = await call("POST", `/v1/venues/${venueId}/keys`, { body: {} });
  if (response.status !== 201) throw new Error(`issue key failed: ${JSON.stringify(response.json)}`);
  return response.json as { id: string; key: string; prefix: string };
}

/** A program with one venue and that venue's API key. */
export async function programWithVenueKey(name?: string) {
  const program = await createProgram(name);
  const venue = await createVenue(program.id);
  const key = await issueVenueKey(venue.id);
  return { program, venue, key: key.key, keyId: key.id };
}
