import { Interface } from "ethers";
import { describe, expect, it } from "vitest";
import { compileContract } from "../compile";
import { rewardTokenAbi } from "../reward-token-abi";

describe("the engine's RewardToken ABI", () => {
  it("names only functions, events and errors the compiled contract has, with the same signatures", () => {
    const compiled = new Interface(compileContract("RewardToken").abi as never[]);
    const ours = new Interface(rewardTokenAbi);
    ours.forEachFunction((fragment) => expect(compiled.getFunction(fragment.format("sighash"))?.format("full")).toBe(fragment.format("full")));
    ours.forEachEvent((fragment) => expect(compiled.getEvent(fragment.format("sighash"))?.format("full")).toBe(fragment.format("full")));
    ours.forEachError((fragment) => expect(compiled.getError(fragment.format("sighash"))?.format("full")).toBe(fragment.format("full")));
  });
});
