import { env } from "cloudflare:workers";
import { call, createProgram, createVenue, issueVenueKey } from "./api";

let keyCounter = 0;
export const newKey = (label = "k") => `${label}-${Date.now()}-${keyCounter++}`;

export const hoursAgo = (hours: number, from = Date.now()) => new Date(from - hours * 3_600_000).toISOString();

/** A restaurant coalition with `venueCount` venues, each with its own API key. */
export async function coalition(venueCount = 1, overrides?: object, venueSettings: object[] = []) {
  const program = await createProgram("Coalition", "restaurant", overrides);
  const venues = [];
  for (let index = 0; index < venueCount; index++) {
    const response = await call("POST", `/v1/programs/${program.id}/venues`, { body: { name: `Venue ${index}`, ...(venueSettings[index] ?? {}) } });
    if (response.status !== 201) throw new Error(JSON.stringify(response.json));
    const key = await issueVenueKey(response.json.id);
    venues.push({ id: response.json.id as string, key: key.key });
  }
  return { program, venues };
}

export async function enroll(venueKey: string, externalRef: string, extra: object = {}): Promise<string> {
  const response = await call("POST", "/v1/members", { token: venueKey, body: { externalRef, ...extra } });
  if (response.status >= 300) throw new Error(JSON.stringify(response.json));
  return response.json.id;
}

export function purchase(venueKey: string, body: { memberId: string; amountCents: number; occurredAt?: string }, key = newKey("purchase"), dryRun = false) {
  return call("POST", `/v1/purchases${dryRun ? "?dryRun=true" : ""}`, {
    token: venueKey,
    body: { occurredAt: new Date().toISOString(), ...body },
    headers: { "Idempotency-Key": key },
  });
}

/** Lets the member's actor act as if its alarm fired at `nowMs` (posting, expiry, warnings). */
export function advance(memberId: string, nowMs: number) {
  return env.MEMBER.getByName(memberId).processDue(nowMs);
}

export async function memberView(memberId: string) {
  return (await call("GET", `/v1/members/${memberId}`)).json;
}

/** Points post 24 h after a purchase is received: the member's clock moved past the hold. */
export const afterHoldMs = () => Date.now() + 24 * 3_600_000 + 1_000;

/** Earns posted points for a member at a venue (a purchase, then the alarm's run past the hold). */
export async function earnPosted(venueKey: string, memberId: string, amountCents: number) {
  const response = await purchase(venueKey, { memberId, amountCents });
  if (response.status !== 201) throw new Error(JSON.stringify(response.json));
  await advance(memberId, afterHoldMs());
  return response.json;
}

/** Credits points at once through the operator's adjustment route. */
export async function grant(memberId: string, points: number, key = newKey("grant")) {
  const response = await call("POST", `/v1/members/${memberId}/adjustments`, { body: { points, reason: "test credit" }, headers: { "Idempotency-Key": key } });
  if (response.status !== 201) throw new Error(JSON.stringify(response.json));
  return response.json;
}

export function createReward(programId: string, body: object) {
  return call("POST", `/v1/programs/${programId}/rewards`, { body: { name: "Reward", type: "free_item", ...body } });
}

export function redeem(token: string, body: object, key = newKey("redeem"), dryRun = false) {
  return call("POST", `/v1/redemptions${dryRun ? "?dryRun=true" : ""}`, { token, body, headers: { "Idempotency-Key": key } });
}
