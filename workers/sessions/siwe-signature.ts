import { Interface, hashMessage } from "ethers";
import { SiweErrorType, type SiweMessage } from "siwe";

/**
 * How long a sign-in waits for the chain (CHAIN_RPC_URL), both calls together. A chain that accepts
 * the connection and never answers would otherwise hold the sign-in open until the client gives up.
 */
export const chainCallTimeoutMs = 3_000;

/** The refusal when the chain did not answer in time: no one is signed in on a signature we could not check. */
export const chainUnavailable = "chain_unavailable";

const eip1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);
const eip1271MagicValue = "0x1626ba7e";

/** The chain did not answer (refused, timed out, not JSON-RPC): unlike a revert, this says nothing about the signature. */
class ChainUnreachable extends Error {}

async function rpcCall(rpcUrl: string, method: string, params: unknown[], signal: AbortSignal): Promise<{ result?: unknown; error?: unknown }> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), signal });
  } catch (error) {
    throw new ChainUnreachable(`${method}: ${String(error)}`);
  }
  const body = (await response.json().catch(() => null)) as { result?: unknown; error?: unknown } | null;
  if (!body || (body.result === undefined && body.error === undefined)) throw new ChainUnreachable(`${method}: HTTP ${response.status} without a JSON-RPC answer`);
  return body;
}

/**
 * Asks the chain whether `address` is a contract wallet that accepts `signature` for `message`
 * (EIP-1271 `isValidSignature`). No code at the address, or a revert, is a no; no answer within
 * `timeoutMs` is neither.
 */
async function contractWalletAccepts(rpcUrl: string, message: SiweMessage, signature: string, timeoutMs: number): Promise<boolean> {
  let data: string;
  try {
    data = eip1271.encodeFunctionData("isValidSignature", [hashMessage(message.prepareMessage()), signature]);
  } catch {
    return false; // not whole bytes (an odd number of hex digits): no wallet signed it
  }
  const signal = AbortSignal.timeout(timeoutMs);
  const code = await rpcCall(rpcUrl, "eth_getCode", [message.address, "latest"], signal);
  if (typeof code.result !== "string" || code.result === "0x") return false;
  const call = await rpcCall(rpcUrl, "eth_call", [{ to: message.address, data }, "latest"], signal);
  return typeof call.result === "string" && call.result.slice(0, 10).toLowerCase() === eip1271MagicValue;
}

/**
 * Checks a sign-in message's times and signature (the `siwe` library): an EOA's by recovery alone;
 * only when that fails is the chain asked, by EIP-1271, whether the address is a contract wallet that
 * accepts the signature. Answers the library's error type when it refuses, or `chain_unavailable`.
 */
export async function checkSignInSignature(
  message: SiweMessage,
  signature: string,
  chain: { rpcUrl: string; chainId: number },
  nowMs: number,
  timeoutMs = chainCallTimeoutMs,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const result = await message.verify({ signature, domain: message.domain, time: new Date(nowMs).toISOString() }, { suppressExceptions: true });
  if (result.success) return { ok: true };
  if (result.error?.type !== SiweErrorType.INVALID_SIGNATURE) return { ok: false, reason: result.error?.type ?? SiweErrorType.INVALID_SIGNATURE };
  try {
    return (await contractWalletAccepts(chain.rpcUrl, message, signature, timeoutMs)) ? { ok: true } : { ok: false, reason: SiweErrorType.INVALID_SIGNATURE };
  } catch (error) {
    if (!(error instanceof ChainUnreachable)) throw error;
    console.warn("contract-wallet check: the chain did not answer", error.message);
    return { ok: false, reason: chainUnavailable };
  }
}
