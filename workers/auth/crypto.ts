import { bytesToHex } from "@noble/hashes/utils.js";
import { base32Alphabet, digestBytes } from "../../domain/ids/digest";

export function sha256Hex(text: string): string {
  return bytesToHex(digestBytes(text));
}

/** Compares secrets in constant time: both sides are hashed first so lengths never leak either. */
export function secretsEqual(given: string, expected: string): boolean {
  return crypto.subtle.timingSafeEqual(digestBytes(given), digestBytes(expected));
}

/** Crockford-style base32 of random bytes: URL-safe, unambiguous ids and secrets. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((byte) => base32Alphabet[byte % 32]).join("");
}
