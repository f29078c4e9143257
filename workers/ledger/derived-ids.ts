import { base32, digestBytes } from "../auth/crypto";

/**
 * Ids of what a write creates derive from the member and the request's Idempotency-Key, so a dry
 * run shows the id the real call will return, and a purchase id says which member it belongs to
 * (a refund finds the member's actor without a lookup).
 */
async function suffix(memberId: string, kind: string, key: string, length: number): Promise<string> {
  return base32(await digestBytes(`${kind}\u0000${memberId}\u0000${key}`), length);
}

export async function purchaseIdFor(memberId: string, idempotencyKey: string): Promise<string> {
  return `pur_${memberId.slice(4)}${await suffix(memberId, "purchase", idempotencyKey, 12)}`;
}

export async function refundIdFor(memberId: string, idempotencyKey: string): Promise<string> {
  return `rfd_${await suffix(memberId, "refund", idempotencyKey, 20)}`;
}

export async function redemptionIdsFor(memberId: string, idempotencyKey: string) {
  const code = (await suffix(memberId, "code", idempotencyKey, 8)).toUpperCase();
  return {
    redemptionId: `rdm_${memberId.slice(4)}${await suffix(memberId, "redemption", idempotencyKey, 12)}`,
    code: `${code.slice(0, 4)}-${code.slice(4)}`,
  };
}

const purchaseIdPattern = /^pur_([0-9a-hjkmnp-tv-z]{24})[0-9a-hjkmnp-tv-z]{12}$/;

/** The member a purchase id belongs to, or null when the id is not one we issued. */
export function memberOfPurchase(purchaseId: string): string | null {
  const match = purchaseIdPattern.exec(purchaseId);
  return match ? `mem_${match[1]}` : null;
}
