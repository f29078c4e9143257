const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares secrets in constant time: both sides are hashed first so lengths never leak either. */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [given, expected].map(async (text) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)))),
  );
  return crypto.subtle.timingSafeEqual(a, b);
}

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

/** Crockford-style base32 of random bytes: URL-safe, unambiguous ids and secrets. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((byte) => alphabet[byte % 32]).join("");
}

export function base32(bytes: Uint8Array, length: number): string {
  return [...bytes.slice(0, length)].map((byte) => alphabet[byte % 32]).join("");
}

export async function digestBytes(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}
