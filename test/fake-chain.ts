/**
 * The chain the workerd tests reach: miniflare's `outboundService` (vitest.config.ts) runs
 * `testOutbound` in Node for every fetch a test worker makes. A sign-in with a wrong signature asks
 * the chain whether the address is a contract wallet (EIP-1271), so every such test needs a chain
 * that answers the same way on every machine, whether or not a hardhat node is running.
 */
/** A JSON-RPC node where no address holds code: a wrong signature is simply wrong (CHAIN_RPC_URL in tests). */
export const fakeChainUrl = "http://chain.test";
/** Accepts the request and never answers, like a hung RPC provider. */
export const silentChainUrl = "http://silent-chain.test";

type RpcRequest = { id?: number; method?: string };

export async function testOutbound(request: Request): Promise<Response> {
  const { hostname } = new URL(request.url);
  if (hostname === new URL(silentChainUrl).hostname) return new Promise<Response>(() => {});
  if (hostname !== new URL(fakeChainUrl).hostname) return fetch(request); // the real network (a closed port refuses)
  const rpc = (await request.json()) as RpcRequest;
  const result = rpc.method === "eth_getCode" ? "0x" : rpc.method === "eth_chainId" ? "0x7a69" : undefined;
  const body = result === undefined ? { jsonrpc: "2.0", id: rpc.id ?? 1, error: { code: -32601, message: `${rpc.method} is not faked` } } : { jsonrpc: "2.0", id: rpc.id ?? 1, result };
  return Response.json(body);
}
