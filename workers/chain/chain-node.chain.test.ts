import { env } from "cloudflare:workers";
import { Contract, JsonRpcProvider, Network } from "ethers";
import { describe, expect, it } from "vitest";
import rewardToken from "../../contracts/artifacts/RewardToken.json";

describe("the settlement tests' chain", () => {
  it("is a real node, reached from the worker, with the project's RewardToken deployed and nothing settled yet", async () => {
    const provider = new JsonRpcProvider(env.CHAIN_RPC_URL, undefined, { staticNetwork: Network.from(31337) });
    const token = new Contract(env.TOKEN_ADDRESS, rewardToken.abi, provider);
    expect(await provider.getCode(env.TOKEN_ADDRESS)).not.toBe("0x");
    expect(await token.settledCount()).toBeGreaterThanOrEqual(0n);
  });
});
