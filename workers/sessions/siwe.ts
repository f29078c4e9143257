import { and, eq, gt, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getAddress } from "ethers";
import { SiweErrorType, SiweMessage, generateNonce } from "siwe";
import { siweNonces } from "../../db/schema";
import { signInStatement } from "../../domain/sessions/siwe-statement";
import { ApiError } from "../errors/api-error";
import { chainUnavailable, checkSignInSignature } from "./siwe-signature";

export const nonceLifetimeMs = 5 * 60_000;

/** EIP-55 form of an address typed in any case (getAddress refuses a mixed case that is not a valid checksum). */
const checksummed = (address: string) => getAddress(address.toLowerCase());
/** Device clocks drift: a message issued up to this far ahead of ours is accepted, no further. */
export const issuedAtSkewMaxMs = 5 * 60_000;

/**
 * A single-use nonce (96 random bits, alphanumeric) for one sign-in to one program; asked for with a
 * wallet's address, only that wallet may sign in with it.
 */
export async function issueNonce(db: D1Database, programId: string, address: string | null, nowMs: number) {
  const nonce = generateNonce();
  const expiresAtMs = nowMs + nonceLifetimeMs;
  await drizzle(db).insert(siweNonces).values({ nonce, programId, expiresAtMs, address: address === null ? null : checksummed(address) });
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
    address: checksummed(address),
    statement: signInStatement(programName),
    uri: origin.origin,
    version: "1",
    chainId: Number(env.CHAIN_ID),
    nonce,
    issuedAt: new Date(nowMs).toISOString(),
    expirationTime: new Date(nowMs + nonceLifetimeMs).toISOString(),
  }).prepareMessage();
}

/** A sign-in whose message and signature hold, and whose nonce is still unused. */
export type CheckedSignIn = { address: string; programId: string; nonce: string };

const nonceInvalid = () => new ApiError(401, "siwe_nonce_invalid", "This message's nonce was already used, has expired or was never issued; ask for a new nonce");

/** The nonce's program, if it is unused and unexpired, and refused when it was asked for another wallet. */
async function findNonce(db: D1Database, nonce: string, address: string, nowMs: number): Promise<string> {
  const [row] = await drizzle(db)
    .select({ programId: siweNonces.programId, address: siweNonces.address })
    .from(siweNonces)
    .where(and(eq(siweNonces.nonce, nonce), isNull(siweNonces.usedAtMs), gt(siweNonces.expiresAtMs, nowMs)));
  if (!row) throw nonceInvalid();
  if (row.address !== null && row.address !== address) throw new ApiError(401, "siwe_nonce_wrong_wallet", `This nonce was asked for wallet ${row.address}; ask for a nonce for ${address}`);
  return row.programId;
}

/** Marks the nonce used, once: of concurrent sign-ins with one message exactly one gets past this. */
export async function spendNonce(db: D1Database, nonce: string, nowMs: number): Promise<void> {
  const [used] = await drizzle(db)
    .update(siweNonces)
    .set({ usedAtMs: nowMs })
    .where(and(eq(siweNonces.nonce, nonce), isNull(siweNonces.usedAtMs), gt(siweNonces.expiresAtMs, nowMs)))
    .returning({ programId: siweNonces.programId });
  if (!used) throw nonceInvalid();
}

const refusals: Record<string, [401 | 422 | 503, string, string]> = {
  [SiweErrorType.EXPIRED_MESSAGE]: [422, "siwe_expired", "This sign-in message has expired; sign a new one"],
  [SiweErrorType.NOT_YET_VALID_MESSAGE]: [422, "siwe_not_yet_valid", "This sign-in message is not valid yet (notBefore); check the device's clock"],
  [SiweErrorType.INVALID_SIGNATURE]: [401, "siwe_invalid_signature", "The signature is not this message's, by this wallet"],
  [chainUnavailable]: [503, chainUnavailable, "The chain did not answer in time, so a contract wallet's signature could not be checked; try again in a minute"],
};

function parse(message: string): SiweMessage {
  try {
    return new SiweMessage(message);
  } catch (error) {
    throw new ApiError(422, "siwe_malformed", `This is not an EIP-4361 sign-in message: ${String((error as Error).message ?? error).slice(0, 200)}`);
  }
}

/** The message is for this deployment (scheme, domain, URI), this chain, and was not issued in the future. */
function checkBinding(env: Env, parsed: SiweMessage, nowMs: number): void {
  const origin = new URL(env.APP_ORIGIN);
  const scheme = origin.protocol.slice(0, -1);
  if (parsed.scheme && parsed.scheme !== scheme) throw new ApiError(422, "siwe_scheme_mismatch", `This message is for ${parsed.scheme}://${parsed.domain}; sign one for ${origin.origin}`);
  if (parsed.domain !== origin.host) throw new ApiError(422, "siwe_domain_mismatch", `This message is for ${parsed.domain}; sign one for ${origin.host}`);
  const uri = URL.parse(parsed.uri);
  if (!uri || uri.protocol !== origin.protocol || uri.origin !== origin.origin) throw new ApiError(422, "siwe_uri_mismatch", `This message's URI ${parsed.uri} is not on ${origin.origin}`);
  if (parsed.chainId !== Number(env.CHAIN_ID)) throw new ApiError(422, "siwe_chain_mismatch", `This message names chain ${parsed.chainId}; sign in on chain ${env.CHAIN_ID}`);
  const issuedAtMs = Date.parse(parsed.issuedAt ?? "");
  if (!Number.isFinite(issuedAtMs)) throw new ApiError(422, "siwe_malformed", "This message has no valid Issued At time");
  if (issuedAtMs > nowMs + issuedAtSkewMaxMs) {
    throw new ApiError(422, "siwe_issued_in_future", `This message says it was issued at ${parsed.issuedAt}, more than ${issuedAtSkewMaxMs / 60_000} minutes from now; check the device's clock and sign a new one`);
  }
}

/**
 * Checks a Sign-In with Ethereum message (EIP-4361, with the `siwe` library) without using its nonce:
 * scheme, domain and URI are this deployment's, the chain is ours, the times hold, the nonce is unused
 * and for this wallet, and the signature is the wallet's (an EOA by recovery, a contract wallet by
 * EIP-1271 through CHAIN_RPC_URL). The caller spends the nonce once what it must check first holds.
 */
export async function checkSignIn(env: Env, message: string, signature: string, nowMs: number): Promise<CheckedSignIn> {
  const parsed = parse(message);
  checkBinding(env, parsed, nowMs);
  const address = getAddress(parsed.address);
  // The nonce first: a message with a dead nonce costs no chain call.
  const programId = await findNonce(env.DB, parsed.nonce, address, nowMs);
  const checked = await checkSignInSignature(parsed, signature, { rpcUrl: env.CHAIN_RPC_URL, chainId: Number(env.CHAIN_ID) }, nowMs);
  if (!checked.ok) {
    const [status, code, text] = refusals[checked.reason] ?? refusals[SiweErrorType.INVALID_SIGNATURE];
    throw new ApiError(status, code, text);
  }
  return { address, programId, nonce: parsed.nonce };
}

/** Checks a sign-in message and spends its nonce (wallet linking: nothing else to check first). */
export async function verifySignIn(env: Env, message: string, signature: string, nowMs: number): Promise<{ address: string; programId: string }> {
  const checked = await checkSignIn(env, message, signature, nowMs);
  await spendNonce(env.DB, checked.nonce, nowMs);
  return { address: checked.address, programId: checked.programId };
}
