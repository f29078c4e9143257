import { Interface, Wallet, recoverAddress } from "ethers";
import { chainTestHosts, chainTestUrlVariable } from "./chain-accounts";
import { createFakeTencentApi, fakeTencentCredentials, fakeTencentUrl } from "./fake-tencent";
import { createFakeTencentChat, fakeTencentChatCredentials, fakeTencentChatUrl } from "./fake-tencent-chat";
import { createFaultyChain } from "./faulty-chain";

/**
 * The chain the workerd tests reach: miniflare's `outboundService` (vitest.config.ts) runs
 * `testOutbound` in Node for every fetch a test worker makes. A sign-in with a signature that is not
 * the address's own asks the chain whether the address is a contract wallet (EIP-1271), so every
 * such test needs a chain that answers the same way on every machine, whether or not a hardhat node runs.
 */
/** A JSON-RPC node (CHAIN_RPC_URL in tests) where one address holds a contract wallet and no other holds code. */
export const fakeChainUrl = "http://chain.test";
/** Accepts the request and never answers, like a hung RPC provider. */
export const silentChainUrl = "http://silent-chain.test";

/** The fake chain's one contract wallet: it accepts (EIP-1271) what its owner's key signed. Test key only. */
export const contractWallet = { address: "0x00000000000000000000000000000000C0FFEE01", owner: new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d") };

const eip1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);

type RpcRequest = { id?: number; method?: string; params?: unknown[] };

function answer(rpc: RpcRequest): unknown {
  const isWallet = (address: unknown) => typeof address === "string" && address.toLowerCase() === contractWallet.address.toLowerCase();
  if (rpc.method === "eth_chainId") return "0x7a69";
  if (rpc.method === "eth_getCode") return isWallet(rpc.params?.[0]) ? "0x6080604052" : "0x";
  if (rpc.method === "eth_call") {
    const call = rpc.params?.[0] as { to?: string; data?: string } | undefined;
    if (!isWallet(call?.to) || !call?.data) return "0x";
    const [hash, signature] = eip1271.decodeFunctionData("isValidSignature", call.data);
    let signer = "";
    try {
      signer = recoverAddress(hash, signature);
    } catch {
      // not a signature at all: the wallet says no
    }
    return eip1271.encodeFunctionResult("isValidSignature", [signer === contractWallet.owner.address ? "0x1626ba7e" : "0xffffffff"]);
  }
  return undefined;
}

const fakeTencent = createFakeTencentApi([fakeTencentCredentials]);
const fakeTencentChat = createFakeTencentChat(fakeTencentChatCredentials);
/** The fault-injection project's chain: a seeded fault injector in front of its hardhat node (test/faulty-chain.ts). */
const faultyChain = createFaultyChain(() => process.env[chainTestUrlVariable("faults")]);

/** A request to a project's chain host, sent on to that project's hardhat node (test/chain-node-setup.ts). */
function toHardhatNode(request: Request, project: keyof typeof chainTestHosts): Promise<Response> {
  const nodeUrl = process.env[chainTestUrlVariable(project)];
  if (!nodeUrl) return Promise.resolve(new Response(`no hardhat node for ${project}: only its workerd project starts one`, { status: 502 }));
  return fetch(nodeUrl, { method: request.method, headers: { "content-type": "application/json" }, body: request.body, duplex: "half" } as RequestInit);
}

export async function testOutbound(request: Request): Promise<Response> {
  const { hostname } = new URL(request.url);
  if (hostname === new URL(chainTestHosts.chain).hostname) return toHardhatNode(request, "chain");
  if (hostname === new URL(chainTestHosts.faults).hostname) return faultyChain.handle(request);
  if (hostname === new URL(fakeTencentUrl).hostname) return fakeTencent.handle(request);
  if (hostname === new URL(fakeTencentChatUrl).hostname) return fakeTencentChat.handle(request);
  if (hostname === new URL(silentChainUrl).hostname) return new Promise<Response>(() => {});
  if (hostname !== new URL(fakeChainUrl).hostname) return fetch(request); // the real network (a closed port refuses)
  const rpc = (await request.json()) as RpcRequest;
  const result = answer(rpc);
  const body = result === undefined ? { jsonrpc: "2.0", id: rpc.id ?? 1, error: { code: -32601, message: `${rpc.method} is not faked` } } : { jsonrpc: "2.0", id: rpc.id ?? 1, result };
  return Response.json(body);
}
