import { and, eq, gt, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getAddress } from "ethers";
import { SiweErrorType, SiweMessage, generateNonce } from "siwe";
import { siweNonces } from "../../db/schema";
import { ApiError } from "../errors/api-error";
import { checkSignInSignature } from "./siwe-signature";

export const nonceLifetimeMs = 5 * 60_000;

/** A single-use nonce (96 random bits, alphanumeric) for one sign-in to one program. */
export async function issueNonce(db: D1Database, programId: string, nowMs: number) {
  const nonce = generateNonce();
  const expiresAtMs = nowMs + nonceLifetimeMs;
  await drizzle(db).insert(siweNonces).values({ nonce, programId, expiresAtMs });
  return { nonce, expiresAtMs };
}

/**
 * The EIP-4361 message a wallet signs to sign in with this nonce, prepared by the `siwe` library so a
 * page needs no SIWE code of its own: it only asks the wallet to sign the text (personal_sign).
 */
export function signInMessage(env: Pick<Env, "APP_ORIGIN" | "CHAIN_ID">, address: string, nonce: string, programName: string, nowMs: number): string {
  const origin = new URL(env.APP_ORIGIN);
  return new SiweMessage({
    domain: origin.host,
    address: getAddress(address),
    statement: `Sign in to ${programName}.`,
    uri: origin.origin,
    version: "1",
    chainId: Number(env.CHAIN_ID),
    nonce,
    issuedAt: new Date(nowMs).toISOString(),
    expirationTime: new Date(nowMs + nonceLifetimeMs).toISOString(),
  }).prepareMessage();
}

/** Marks the nonce used, once: of concurrent verifies of one message exactly one gets the program. */
async function useNonce(db: D1Database, nonce: string, nowMs: number): Promise<string | null> {
  const [used] = await drizzle(db)
    .update(siweNonces)
    .set({ usedAtMs: nowMs })
    .where(and(eq(siweNonces.nonce, nonce), isNull(siweNonces.usedAtMs), gt(siweNonces.expiresAtMs, nowMs)))
    .returning({ programId: siweNonces.programId });
  return used?.programId ?? null;
}

const refusals: Record<string, [number, string, string]> = {
  [SiweErrorType.EXPIRED_MESSAGE]: [422, "siwe_expired", "This sign-in message has expired; sign a new one"],
  [SiweErrorType.NOT_YET_VALID_MESSAGE]: [422, "siwe_not_yet_valid", "This sign-in message is not valid yet (notBefore); check the device's clock"],
  [SiweErrorType.INVALID_SIGNATURE]: [401, "siwe_invalid_signature", "The signature is not this message's, by this wallet"],
};

function parse(message: string): SiweMessage {
  try {
    return new SiweMessage(message);
  } catch (error) {
    throw new ApiError(422, "siwe_malformed", `This is not an EIP-4361 sign-in message: ${String((error as Error).message ?? error).slice(0, 200)}`);
  }
}

/**
 * Verifies a Sign-In with Ethereum message (EIP-4361, with the `siwe` library): domain and URI are
 * this deployment's, the chain is ours, the times hold, the signature is the wallet's (an EOA by
 * recovery, a contract wallet by EIP-1271 through CHAIN_RPC_URL), and the nonce is used once.
 */
export async function verifySignIn(env: Env, message: string, signature: string, nowMs: number): Promise<{ address: string; programId: string }> {
  const parsed = parse(message);
  const origin = new URL(env.APP_ORIGIN);
  if (parsed.domain !== origin.host) throw new ApiError(422, "siwe_domain_mismatch", `This message is for ${parsed.domain}; sign one for ${origin.host}`);
  if (new URL(parsed.uri).origin !== origin.origin) throw new ApiError(422, "siwe_uri_mismatch", `This message's URI is not on ${origin.origin}`);
  if (parsed.chainId !== Number(env.CHAIN_ID)) throw new ApiError(422, "siwe_chain_mismatch", `This message names chain ${parsed.chainId}; sign in on chain ${env.CHAIN_ID}`);
  const checked = await checkSignInSignature(parsed, signature, { rpcUrl: env.CHAIN_RPC_URL, chainId: Number(env.CHAIN_ID) }, nowMs);
  if (!checked.ok) {
    const [status, code, text] = refusals[checked.reason] ?? refusals[SiweErrorType.INVALID_SIGNATURE];
    throw new ApiError(status as 401, code, text);
  }
  const programId = await useNonce(env.DB, parsed.nonce, nowMs);
  if (!programId) throw new ApiError(401, "siwe_nonce_invalid", "This message's nonce was already used, has expired or was never issued; ask for a new nonce");
  return { address: getAddress(parsed.address), programId };
}
