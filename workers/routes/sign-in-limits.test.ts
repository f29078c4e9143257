import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { call, createProgram, createVenue, issueVenueKey } from "../../test/api";
import { appOrigin } from "../../test/sessions";
import { communityEnrollmentsPerVenueKey, signInLimits } from "../middleware/rate-limit";

/** What a sign-in needs of a wallet (ethers' random wallets are HD wallets, not `Wallet`). */
type WalletSigner = { address: string; signMessage(message: string): Promise<string> };

let networks = 0;
/** A client address no other test uses, so each test starts with empty buckets. */
const freshClient = () => `198.51.${100 + Math.floor(++networks / 250)}.${networks % 250}`;

const guessLink = (ip: string, attempt: number) => call("POST", "/v1/auth/login-links/use", { token: null, body: { token: `guess-${attempt}-0000000000000000` }, headers: { "CF-Connecting-IP": ip } });

async function signInWallet(programId: string, wallet: WalletSigner, ip: string) {
  const headers = { "CF-Connecting-IP": ip };
  const issued = await call("POST", "/v1/auth/siwe/nonce", { token: null, body: { programId, address: wallet.address }, headers });
  if (issued.status !== 201) return issued;
  return call("POST", "/v1/auth/siwe/verify", { token: null, body: { message: issued.json.message, signature: await wallet.signMessage(issued.json.message) }, headers });
}

describe("sign-in rate limits", () => {
  it("counts each sign-in path in its own bucket: a client out of login-link guesses can still sign in with a wallet, and the kiosk still signs in", async () => {
    const program = await createProgram("Nebula", "community");
    const ip = freshClient();
    for (let attempt = 0; attempt < signInLimits.loginLinkUse.limit; attempt++) expect((await guessLink(ip, attempt)).status).toBe(404);
    expect((await guessLink(ip, 99)).status).toBe(429);
    expect((await signInWallet(program.id, Wallet.createRandom(), ip)).status).toBe(200);
    const kiosk = await call("POST", "/kiosk/sign-in", { token: null, rawBody: new URLSearchParams({ venueKey: "not-a-key" }).toString(), headers: { "CF-Connecting-IP": ip, Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded" } });
    expect(kiosk.status).toBe(401);
  });

  it("counts an IPv6 client by its /64: fresh addresses in one /64 share a bucket, the next /64 has its own", async () => {
    for (let attempt = 0; attempt < signInLimits.loginLinkUse.limit; attempt++) expect((await guessLink(`2001:db8:7:1::${(attempt + 1).toString(16)}`, attempt)).status).toBe(404);
    const sameNetwork = await guessLink("2001:db8:7:1:ffff:1234:5678:9abc", 99);
    expect([sameNetwork.status, sameNetwork.json.error.code]).toEqual([429, "rate_limited"]);
    expect((await guessLink("2001:db8:7:2::1", 100)).status).toBe(404);
  });

  it(`enrolls at most ${signInLimits.newMembersPerClient.limit} new members a day from one client, while its members still sign in`, async () => {
    const program = await createProgram("Nebula", "community");
    const ip = freshClient();
    const wallets = Array.from({ length: signInLimits.newMembersPerClient.limit + 1 }, () => Wallet.createRandom());
    for (const wallet of wallets.slice(0, -1)) expect((await signInWallet(program.id, wallet, ip)).status).toBe(200);
    const farmed = await signInWallet(program.id, wallets.at(-1)!, ip);
    expect([farmed.status, farmed.json.error.code]).toEqual([429, "rate_limited"]);
    expect(Number(farmed.headers.get("Retry-After"))).toBeGreaterThan(23 * 3600);
    expect((await signInWallet(program.id, wallets[0], ip)).status).toBe(200);
    expect((await signInWallet(program.id, wallets.at(-1)!, freshClient())).status).toBe(200);
  });

  it("limits a venue key enrolling members of a community program, never a restaurant program's", async () => {
    const enrollAll = async (programId: string, count: number) => {
      const key = (await issueVenueKey((await createVenue(programId)).id)).key;
      const answers = [];
      for (let n = 0; n < count; n++) answers.push(await call("POST", "/v1/members", { token: key, body: { externalRef: `limit-${n}-${crypto.randomUUID()}` } }));
      return answers;
    };
    const community = await enrollAll((await createProgram("Nebula", "community")).id, communityEnrollmentsPerVenueKey.limit + 1);
    expect(community.slice(0, -1).every((answer) => answer.status === 201)).toBe(true);
    expect([community.at(-1)!.status, community.at(-1)!.json.error.code]).toEqual([429, "rate_limited"]);
    const restaurant = await enrollAll((await createProgram("Diner", "restaurant")).id, communityEnrollmentsPerVenueKey.limit + 5);
    expect(restaurant.every((answer) => answer.status === 201)).toBe(true);
    // The operator enrolls without a limit.
    const operator = await call("POST", "/v1/members", { body: { programId: (await createProgram("Nebula", "community")).id, externalRef: `op-${crypto.randomUUID()}` } });
    expect(operator.status).toBe(201);
  });
});
