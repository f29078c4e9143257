import { base32Alphabet, digestBytes } from "../ids/digest";

/**
 * Redemption codes: 7 characters drawn from the member and the request's key plus one check
 * character (Luhn mod 32), shown as XXXX-XXXX in Crockford's base32. Staff type them from a phone:
 * the check character catches every single mistyped character and most swapped neighbours, and
 * O/I/L read as 0/1/1. Codes are unique within a program; a collision draws the next candidate.
 */
const alphabet = base32Alphabet.toUpperCase();
const dataLength = 7;
export const codeCandidatesMax = 8;

function checkCharacter(data: string): string {
  let sum = 0;
  for (let index = data.length - 1, double = true; index >= 0; index--, double = !double) {
    let value = alphabet.indexOf(data[index]) * (double ? 2 : 1);
    value = Math.floor(value / 32) + (value % 32);
    sum += value;
  }
  return alphabet[(32 - (sum % 32)) % 32];
}

function format(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

/** The `attempt`-th candidate code for this member's request: the same key always draws the same sequence. */
export function codeCandidate(memberId: string, idempotencyKey: string, attempt: number): string {
  const bytes = digestBytes(`code\u0000${memberId}\u0000${idempotencyKey}\u0000${attempt}`);
  const data = [...bytes.subarray(0, dataLength)].map((byte) => alphabet[byte % 32]).join("");
  return format(data + checkCharacter(data));
}

/** A code as typed or scanned, in its stored form, or null when it cannot be one of ours (typo). */
export function normalizeCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (compact.length !== dataLength + 1 || [...compact].some((char) => !alphabet.includes(char))) return null;
  const data = compact.slice(0, dataLength);
  return checkCharacter(data) === compact[dataLength] ? format(compact) : null;
}
