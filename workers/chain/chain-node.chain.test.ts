import { env } from "cloudflare:workers";
import { Contract, JsonRpcProvider, Network } from "ethers";
import { describe, expect, it } from "vitest";
import { rewardTokenAbi } from "../../contracts/reward-token-abi";

describe("the settlement tests' chain", () => {
  it("is a real node, reached from the worker, with the project's RewardToken deployed", async () => {
    const provider = new JsonRpcProvider(env.CHAIN_RPC_URL, undefined, { staticNetwork: Network.from(31337) });
    const token = new Contract(env.TOKEN_ADDRESS, rewardTokenAbi, provider);
    expect(await provider.getCode(env.TOKEN_ADDRESS)).not.toBe("0x");
    expect(await token.settledCount()).toBeGreaterThanOrEqual(0n);
  });
});
