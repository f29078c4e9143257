import { sha256 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();

/**
 * SHA-256 of short texts (keys, request fingerprints, derived ids), synchronous: a purchase hashes
 * three times, and this audited pure-JS implementation needs no promise per hash and costs less
 * than `crypto.subtle.digest` or `node:crypto` (whose Buffer layer runs in JS in workerd).
 */
export function digestBytes(text: string): Uint8Array {
  return sha256(encoder.encode(text));
}

/** Crockford's base32 alphabet: no I, L, O or U, so ids and codes read and type unambiguously. */
export const base32Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

export function base32(bytes: Uint8Array, length: number): string {
  return [...bytes.subarray(0, length)].map((byte) => base32Alphabet[byte % 32]).join("");
}
