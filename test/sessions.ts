import { call } from "./api";

/** The test deployment's origin (APP_ORIGIN in vitest.config.ts): signed-in writes must come from it. */
export const appOrigin = "https://loyalty.test";

let clients = 0;

/** Each call from its own client address, so a per-client rate limit only bites where a test means it to. */
export function fromNewClient(): { "CF-Connecting-IP": string } {
  clients++;
  return { "CF-Connecting-IP": `10.0.${Math.floor(clients / 250) % 250}.${clients % 250}` };
}

/** The session cookie a Set-Cookie header sets, as a Cookie header sends it back (`__Host-` on the https test origin). */
export function sessionCookieOf(setCookie: string): string | undefined {
  return /__Host-loyalty_session=[^;]+/.exec(setCookie)?.[0];
}

/** Signs a member in through a kiosk's one-time login link; answers the cookie to send back. */
export async function signInByLink(venueKey: string, memberId: string) {
  const link = await call("POST", `/v1/members/${memberId}/login-links`, { token: venueKey });
  if (link.status !== 201) throw new Error(`login link: ${JSON.stringify(link.json)}`);
  const used = await call("POST", "/v1/auth/login-links/use", { token: null, body: { token: link.json.token }, headers: fromNewClient() });
  const setCookie = used.headers.get("Set-Cookie") ?? "";
  const cookie = sessionCookieOf(setCookie);
  if (used.status !== 200 || !cookie) throw new Error(`sign-in: ${JSON.stringify(used.json)}`);
  return { cookie, setCookie, link: link.json as { url: string; token: string; expiresAt: string } };
}
