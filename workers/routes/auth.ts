import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { MemberProfileSchema } from "../../domain/members/member-profile";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { clientAddress, enforceLimit, limitPerClient, signInLimits } from "../middleware/rate-limit";
import { AddressSchema, SignedMessageSchema, memberSecurity } from "../schemas/common";
import { clearSessionCookie, setSessionCookie } from "../sessions/session-cookie";
import { endSession, sessionLifetimes, startSession, useLoginLink } from "../sessions/session-store";
import { checkSignIn, issueNonce, signInMessage, spendNonce } from "../sessions/siwe";
import { type WalletReferral, enrollWallet, linkedMember, referrerForWallet, walletReferral } from "../members/wallet-member";
import { findProgram } from "../programs/program-directory";

const useLink = createRoute({
  operationId: "useLoginLink",
  method: "post",
  path: "/login-links/use",
  tags: ["Sessions"],
  summary: "Sign in with a one-time login link: it works once, and not after the member signed out everywhere; the answer sets the session cookie",
  security: [],
  middleware: [limitPerClient(signInLimits.loginLinkUse)] as const,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ token: z.string().min(16).max(128) }).strict().openapi("UseLoginLink") } } } },
  responses: {
    200: { description: "Signed in (Set-Cookie: __Host-loyalty_session on https, loyalty_session on http localhost)", content: { "application/json": { schema: z.object({ member: MemberProfileSchema, sessionExpiresAt: z.string() }) } } },
    ...errorResponses(400, 404, 413, 422, 429),
  },
});

const logout = createRoute({
  operationId: "logout",
  method: "post",
  path: "/logout",
  tags: ["Sessions"],
  summary: "End this session",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 204: { description: "Signed out; the cookie is cleared" }, ...errorResponses(401, 403) },
});

const SiweNonceRequestSchema = z
  .object({
    programId: z.string().min(1).max(64),
    address: AddressSchema.optional().openapi({ description: "The wallet about to sign: the answer then carries the message to sign, and only this wallet may sign in with the nonce" }),
  })
  .strict()
  .openapi("SiweNonceRequest");

const SiweNonceSchema = z
  .object({
    nonce: z.string(),
    expiresAt: z.string(),
    domain: z.string(),
    uri: z.string(),
    chainId: z.number().int(),
    message: z.string().optional().openapi({ description: "With `address`: the EIP-4361 message for that wallet to sign" }),
  })
  .openapi("SiweNonce");

const SiweSignInSchema = SignedMessageSchema.extend({
  referralCode: z.string().trim().min(4).max(32).optional().openapi({
    description: "Another member's referral code: recorded when this wallet joins the program (not on a later sign-in). An unknown code does not stop the sign-in: the wallet joins without a referral and the answer's `referral` says so",
  }),
}).openapi("SiweSignIn");

const WalletReferralSchema = z
  .object({
    status: z.enum(["recorded", "unknown_referral_code", "already_member"]),
    message: z.string().openapi({ example: "That referral code was not found; you joined without a referral" }),
  })
  .openapi("WalletReferral", { description: "Present when the sign-in sent a referralCode: what became of it" });

const SiweSignedInSchema = z
  .object({ member: MemberProfileSchema, address: z.string(), sessionExpiresAt: z.string(), referral: WalletReferralSchema.optional() })
  .openapi("SiweSignedIn");

const siweNonce = createRoute({
  operationId: "siweNonce",
  method: "post",
  path: "/siwe/nonce",
  tags: ["Sessions"],
  summary: "A single-use Sign-In with Ethereum nonce (96 random bits, 5 minutes) for one program",
  security: [],
  middleware: [limitPerClient(signInLimits.perClient)] as const,
  request: { body: { required: true, content: { "application/json": { schema: SiweNonceRequestSchema } } } },
  responses: {
    201: { description: "Issued", content: { "application/json": { schema: SiweNonceSchema } } },
    ...errorResponses(400, 404, 413, 422, 429),
  },
});

const siweVerify = createRoute({
  operationId: "siweVerify",
  method: "post",
  path: "/siwe/verify",
  tags: ["Sessions"],
  summary: "Sign in with a signed EIP-4361 message: finds the program's member for the wallet or enrolls one; sets the session cookie",
  description:
    "Checks the scheme, domain and URI (APP_ORIGIN), the chain (CHAIN_ID), the times (issuedAt at most 5 minutes ahead, expirationTime, notBefore), the nonce (single use; bound to the wallet it was asked for), the signature (an EOA by recovery, a contract wallet by EIP-1271 through CHAIN_RPC_URL, at most 3 s) and the referral code, all before the nonce is used. Codes: siwe_malformed, siwe_scheme_mismatch, siwe_domain_mismatch, siwe_uri_mismatch, siwe_chain_mismatch, siwe_issued_in_future, siwe_expired, siwe_not_yet_valid, siwe_nonce_invalid, siwe_nonce_wrong_wallet, siwe_invalid_signature, self_referral, referral_cycle; 429 rate_limited (sign-in attempts per client, new members per client per day); 503 chain_unavailable.",
  security: [],
  middleware: [limitPerClient(signInLimits.perClient)] as const,
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: SiweSignInSchema } },
    },
  },
  responses: {
    200: { description: "Signed in (Set-Cookie: __Host-loyalty_session on https, loyalty_session on http localhost)", content: { "application/json": { schema: SiweSignedInSchema } } },
    ...errorResponses(400, 401, 404, 413, 422, 429, 503),
  },
});

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

authRoutes.openapi(siweNonce, async (c) => {
  const { programId, address } = c.req.valid("json");
  const program = await findProgram(c.env.DB, programId);
  const nowMs = Date.now();
  const issued = await issueNonce(c.env.DB, programId, address ?? null, nowMs);
  const origin = new URL(c.env.APP_ORIGIN);
  const message = address ? signInMessage(c.env, address, issued.nonce, program.name, nowMs) : undefined;
  return c.json({ nonce: issued.nonce, expiresAt: new Date(issued.expiresAtMs).toISOString(), domain: origin.host, uri: origin.origin, chainId: Number(c.env.CHAIN_ID), message }, 201);
});

authRoutes.openapi(siweVerify, async (c) => {
  const { message, signature, referralCode } = c.req.valid("json");
  const nowMs = Date.now();
  const { address, programId, nonce } = await checkSignIn(c.env, message, signature, nowMs);
  // Everything that can refuse is checked before the nonce is used, so a refusal (a self-referral,
  // say) leaves the signed message good for another try; an unknown code refuses nothing.
  const returningMember = await linkedMember(c.env.DB, programId, address);
  const referredBy = !returningMember && referralCode ? await referrerForWallet(c.env.DB, programId, address, referralCode) : null;
  await spendNonce(c.env.DB, nonce, nowMs);
  let memberId = returningMember;
  if (!memberId) {
    await enforceLimit(c.env, signInLimits.newMembersPerClient, clientAddress(c));
    memberId = await enrollWallet(c.env, programId, address, referredBy);
  }
  const referral: WalletReferral | undefined = referralCode === undefined ? undefined : walletReferral(returningMember ? "already_member" : referredBy ? "recorded" : "unknown_referral_code");
  const { profile, session } = await startMemberSession(c, memberId, programId, nowMs);
  return c.json({ member: profile, address, sessionExpiresAt: new Date(session.expiresAtMs).toISOString(), referral }, 200);
});

/** Starts a session for a member the request has proved to be, and sets its cookie. */
async function startMemberSession(c: Context<AppEnv>, memberId: string, programId: string, nowMs: number) {
  const [profile, epoch] = await Promise.all([
    callActor(c.env.MEMBER, memberId, (actor) => actor.profile()),
    callActor(c.env.MEMBER, memberId, (actor) => actor.sessionEpoch()),
  ]);
  if (profile.status === 404 || epoch === null) throw new ApiError(404, "member_not_found", "This member no longer exists");
  const session = await startSession(c.env.DB, { memberId, programId, epoch }, sessionLifetimes(c.env), nowMs);
  setSessionCookie(c, session.token, session.expiresAtMs);
  return { profile: profile.body, session };
}

authRoutes.openapi(useLink, async (c) => {
  const { token } = c.req.valid("json");
  const nowMs = Date.now();
  const member = await useLoginLink(c.env.DB, token, nowMs);
  if (!member) throw new ApiError(404, "login_link_invalid", "This login link was already used, has expired or never existed; ask for a new one");
  // A link issued before the member signed out everywhere is over, even one used while the sign-out was deleting links.
  const signedOutAtMs = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.signedOutAt());
  if (signedOutAtMs !== null && member.issuedAtMs <= signedOutAtMs) {
    throw new ApiError(404, "login_link_invalid", "This login link was issued before you signed out everywhere; ask for a new one");
  }
  const { profile, session } = await startMemberSession(c, member.memberId, member.programId, nowMs);
  return c.json({ member: profile, sessionExpiresAt: new Date(session.expiresAtMs).toISOString() }, 200);
});

authRoutes.openapi(logout, async (c) => {
  const principal = c.get("principal");
  if (principal.kind === "member") await endSession(c.env.DB, principal.sessionHash);
  clearSessionCookie(c);
  return c.body(null, 204);
});
