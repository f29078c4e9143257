import { Interface } from "ethers";
import { describe, expect, it } from "vitest";
import rewardToken from "../../contracts/artifacts/RewardToken.json";
import { settlementAbi, tokenInterface } from "./settlement-abi";

describe("the settler's ABI of the reward token", () => {
  it("matches the compiled contract for every function, event and error the settler uses", () => {
    const compiled = new Interface(rewardToken.abi);
    for (const fragment of tokenInterface.fragments) {
      const signature = fragment.format("sighash");
      const found = compiled.fragments.find((candidate) => candidate.type === fragment.type && candidate.format("sighash") === signature);
      expect(found?.format("full"), signature).toBe(fragment.format("full"));
    }
    expect(tokenInterface.fragments).toHaveLength(settlementAbi.length);
  });
});
