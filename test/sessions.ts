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

/** What a wallet signs: structurally an ethers Wallet (tests import it from their own module graph). */
type SigningWallet = { address: string; signMessage(message: string): Promise<string> };

/**
 * A wallet signs in to a program as a phone would (a nonce asked with its address, the prepared
 * message signed, both from one new client address), optionally through a referral code; answers
 * the member and the session cookie. A refusal throws with the answer.
 */
export async function signInWithWallet(programId: string, wallet: SigningWallet, referralCode?: string | null) {
  const client = fromNewClient();
  const nonce = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId, address: wallet.address }, headers: client });
  if (nonce.status !== 201) throw new Error(`nonce: ${nonce.status} ${JSON.stringify(nonce.json)}`);
  const message = nonce.json.message as string;
  const verified = await call("POST", "/v1/auth/siwe/verify", { token: null, body: { message, signature: await wallet.signMessage(message), ...(referralCode ? { referralCode } : {}) }, headers: client });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.json)}`);
  const cookie = sessionCookieOf(verified.headers.get("Set-Cookie") ?? "");
  if (!cookie) throw new Error("verify set no session cookie");
  return { id: verified.json.member.id as string, cookie };
}
