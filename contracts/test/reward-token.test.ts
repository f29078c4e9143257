import { Contract, Wallet, encodeBytes32String } from "ethers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deployRewardToken, localProvider } from "../deploy";

// Hardhat's well-known dev accounts: local chain only.
const settlerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const strangerKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("RewardToken", () => {
  let token: Contract;
  let address: string;

  beforeAll(async () => {
    const deployed = await deployRewardToken(inject("chainRpcUrl"), settlerKey);
    address = deployed.address;
    token = new Contract(address, deployed.abi as never[], deployed.signer);
  });

  it("mints each member's net amount in one settlement", async () => {
    const alice = Wallet.createRandom().address;
    const bob = Wallet.createRandom().address;
    await (await token.settle(encodeBytes32String("batch-1"), [alice, bob], [150n, 40n])).wait();
    expect(await token.balanceOf(alice)).toBe(150n);
    expect(await token.balanceOf(bob)).toBe(40n);
    expect(await token.settled(encodeBytes32String("batch-1"))).toBe(true);
  });

  it("refuses to apply the same settlement id twice", async () => {
    const carol = Wallet.createRandom().address;
    await (await token.settle(encodeBytes32String("batch-2"), [carol], [10n])).wait();
    await expect(token.settle(encodeBytes32String("batch-2"), [carol], [10n])).rejects.toThrow(/SettlementAlreadyApplied|reverted/);
    expect(await token.balanceOf(carol)).toBe(10n);
  });

  it("lets only the settler mint", async () => {
    const stranger = new Wallet(strangerKey, localProvider(inject("chainRpcUrl")));
    const asStranger = token.connect(stranger) as Contract;
    await expect(asStranger.settle(encodeBytes32String("theft"), [stranger.address], [1n])).rejects.toThrow(/OwnableUnauthorizedAccount|reverted/);
  });

  it("refuses mismatched and empty batches", async () => {
    await expect(token.settle(encodeBytes32String("bad-1"), [Wallet.createRandom().address], [])).rejects.toThrow(/LengthMismatch|reverted/);
    await expect(token.settle(encodeBytes32String("bad-2"), [], [])).rejects.toThrow(/EmptySettlement|reverted/);
  });
});
