import { JsonRpcProvider, Network } from "ethers";
import { SiweErrorType, type SiweMessage } from "siwe";

/** Whether an address holds contract code (an EIP-1271 wallet); an unreachable chain counts as no. */
async function hasContractCode(rpcUrl: string, address: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [address, "latest"] }),
    });
    const body = (await response.json()) as { result?: string };
    return typeof body.result === "string" && body.result !== "0x";
  } catch (error) {
    console.warn("contract-wallet check: the chain did not answer", String(error));
    return false;
  }
}

/**
 * Checks a sign-in message's times and signature (the `siwe` library): an EOA's by recovery alone;
 * only when that fails and the address holds code is the chain asked, by EIP-1271 `isValidSignature`.
 * Answers the library's error type when it refuses.
 */
export async function checkSignInSignature(message: SiweMessage, signature: string, chain: { rpcUrl: string; chainId: number }, nowMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  const params = { signature, domain: message.domain, time: new Date(nowMs).toISOString() };
  let result = await message.verify(params, { suppressExceptions: true });
  if (!result.success && result.error?.type === SiweErrorType.INVALID_SIGNATURE && (await hasContractCode(chain.rpcUrl, message.address))) {
    const provider = new JsonRpcProvider(chain.rpcUrl, Network.from(chain.chainId), { staticNetwork: true });
    result = await message.verify(params, { provider, suppressExceptions: true });
    provider.destroy();
  }
  return result.success ? { ok: true } : { ok: false, reason: result.error?.type ?? SiweErrorType.INVALID_SIGNATURE };
}
