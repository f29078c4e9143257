import { isError } from "ethers";
import type { BroadcastError } from "../../domain/token-settlement/in-flight";

/**
 * What a failed `eth_sendRawTransaction` means for the settler. The node's own words vary (geth,
 * hardhat, reth, providers' proxies) and ethers maps only some of them to codes, so both are read:
 * `known` (the node already has it: sent), a refusal kind, or `transport` (no answer from a node:
 * the outcome is unknown and the next step finds out from receipts).
 */
export function broadcastFailure(error: unknown): BroadcastError | "known" | "transport" {
  // ethers keeps the node's JSON-RPC error as `.error` (unmapped) or `.info.error` (mapped codes).
  const shaped = error as { message?: string; error?: { message?: string }; info?: { error?: { message?: string } } };
  const nodeMessage = shaped.error?.message ?? shaped.info?.error?.message;
  const message = `${shaped.message ?? String(error)} ${nodeMessage ?? ""}`;
  if (/already known|known transaction|already imported/i.test(message)) return "known";
  if (isError(error, "NONCE_EXPIRED") || /nonce too low|nonce has already been used/i.test(message)) return "nonce_taken";
  if (isError(error, "REPLACEMENT_UNDERPRICED") || /underpriced|fee too low|too low|less than block base fee|max fee per gas/i.test(message)) return "fee_too_low";
  if (nodeMessage === undefined && !isError(error, "INSUFFICIENT_FUNDS")) return "transport";
  return "rejected";
}
