import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const encoder = new TextEncoder();

/**
 * SHA-256 of short texts (keys, request fingerprints, derived ids), synchronous: a purchase hashes
 * three times, and this audited pure-JS implementation needs no promise per hash and costs less
 * than `crypto.subtle.digest` or `node:crypto` (whose Buffer layer runs in JS in workerd).
 */
export function digestBytes(text: string): Uint8Array {
  return sha256(encoder.encode(text));
}

export function sha256Hex(text: string): string {
  return bytesToHex(digestBytes(text));
}

/** Compares secrets in constant time: both sides are hashed first so lengths never leak either. */
export function secretsEqual(given: string, expected: string): boolean {
  return crypto.subtle.timingSafeEqual(digestBytes(given), digestBytes(expected));
}

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

/** Crockford-style base32 of random bytes: URL-safe, unambiguous ids and secrets. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((byte) => alphabet[byte % 32]).join("");
}

export function base32(bytes: Uint8Array, length: number): string {
  return [...bytes.subarray(0, length)].map((byte) => alphabet[byte % 32]).join("");
}
