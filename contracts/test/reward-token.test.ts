import { Contract, type NonceManager, Wallet, encodeBytes32String, isError, isHexString } from "ethers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deployRewardToken, localProvider } from "../deploy";

// Hardhat's well-known dev accounts: local chain only.
const settlerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const strangerKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("RewardToken", () => {
  let token: Contract;
  let address: string;
  let settler: NonceManager;

  /**
   * The custom error a settle call reverted with, decoded from the revert data with the token's ABI.
   * The revert comes from eth_estimateGas (ethers: CALL_EXCEPTION, data on the error) or, when the
   * provider still holds the first settle's identical estimate (ethers caches requests for 250 ms),
   * from eth_sendRawTransaction (ethers: UNKNOWN_ERROR, data on the JSON-RPC error it wraps).
   */
  const revertOf = async (call: Promise<unknown>): Promise<{ name: string; args: unknown[] }> => {
    try {
      await call;
    } catch (error) {
      // NonceManager counts a nonce before estimateGas fails; reload it so later sends have no gap.
      settler.reset();
      const data = isError(error, "CALL_EXCEPTION") ? error.data : isError(error, "UNKNOWN_ERROR") ? (error.error as { data?: unknown } | undefined)?.data : undefined;
      if (typeof data !== "string" || !isHexString(data)) throw error;
      const decoded = token.interface.parseError(data);
      if (!decoded) throw new Error(`revert data ${data} matches no error in the RewardToken ABI`);
      return { name: decoded.name, args: [...decoded.args] };
    }
    throw new Error("the call did not revert");
  };

  beforeAll(async () => {
    const deployed = await deployRewardToken(inject("chainRpcUrl"), settlerKey);
    address = deployed.address;
    settler = deployed.signer;
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
    expect(await revertOf(token.settle(encodeBytes32String("batch-2"), [carol], [10n]))).toEqual({
      name: "SettlementAlreadyApplied",
      args: [encodeBytes32String("batch-2")],
    });
    expect(await token.balanceOf(carol)).toBe(10n);
  });

  it("lets only the settler mint", async () => {
    const stranger = new Wallet(strangerKey, localProvider(inject("chainRpcUrl")));
    const asStranger = token.connect(stranger) as Contract;
    expect(await revertOf(asStranger.settle(encodeBytes32String("theft"), [stranger.address], [1n]))).toEqual({
      name: "OwnableUnauthorizedAccount",
      args: [stranger.address],
    });
    expect(await token.balanceOf(stranger.address)).toBe(0n);
  });

  it("refuses mismatched and empty batches", async () => {
    expect(await revertOf(token.settle(encodeBytes32String("bad-1"), [Wallet.createRandom().address], []))).toEqual({
      name: "LengthMismatch",
      args: [1n, 0n],
    });
    expect(await revertOf(token.settle(encodeBytes32String("bad-2"), [], []))).toEqual({ name: "EmptySettlement", args: [] });
  });
});
