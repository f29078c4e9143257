import { sha256Hex } from "../auth/crypto";

/** JSON with object keys sorted, so the same request hashes the same however its keys are ordered. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of what a write asks for: the operation, its target and its validated body. */
export function requestHash(operation: string, target: string, body: unknown): string {
  return sha256Hex(`${operation}\n${target}\n${canonicalJson(body)}`);
}
