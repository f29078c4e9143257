import { Contract, ContractFactory, type TransactionReceipt, dataSlice, getAddress, id } from "ethers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { compileContract } from "../compile";
import { deployToken, settle, wallet } from "./reward-token-fixture";

// Hardhat dev account #9 (local chain only): this file's own sender, so its nonces race no other file's.
const benchKey = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
const members = 100;
const actionsPerMember = 10;
/** Issue 23's target: settlement costs at most a tenth of minting once per action. */
const ratioMax = 0.1;
const pointsToTokens = 10n ** 16n; // 1 point = 0.01 token, the community preset's rate
const actionPoints = [50n, 30n, 10n, 5n, 100n]; // voice AMA, live event, chat, streak, referral

const memberAddress = (i: number) => getAddress(dataSlice(id(`action-gas-member-${i}`), 12));
const actionAmount = (member: number, action: number) => actionPoints[(member + action) % actionPoints.length] * pointsToTokens;

/**
 * Gas per rewarded action (issue 23's bench figure), from receipts: 100 members each earn 10 actions.
 * The seed's way mints once per action (1,000 transactions); the engine settles each member's net
 * amount in one batch (one transaction of 100 fresh holders).
 */
describe("gas per rewarded action: one settlement vs one mint per action", () => {
  let perActionGas: number;
  let settledGas: number;

  beforeAll(async () => {
    const rpcUrl = inject("chainRpcUrl");
    const sender = wallet(rpcUrl, benchKey);
    const { abi, bytecode } = compileContract("PerActionMintToken");
    const minted = await new ContractFactory(abi as never[], bytecode, sender).deploy(sender.address);
    await minted.waitForDeployment();
    const perAction = minted as unknown as Contract;
    // Sent back to back with the nonce, gas limit and fees given (one request each), then every
    // receipt read: the node mines one transaction per block.
    let nonce = await sender.getNonce("pending");
    const { maxFeePerGas, maxPriorityFeePerGas } = await sender.provider!.getFeeData();
    const overrides = { gasLimit: 100_000n, maxFeePerGas: maxFeePerGas! * 2n, maxPriorityFeePerGas };
    const sent = [];
    for (let action = 0; action < actionsPerMember; action++) {
      for (let member = 0; member < members; member++) sent.push(await perAction.mint(memberAddress(member), actionAmount(member, action), { ...overrides, nonce: nonce++ }));
    }
    const receipts = (await Promise.all(sent.map((tx) => tx.wait()))) as TransactionReceipt[];
    perActionGas = receipts.reduce((sum, receipt) => sum + Number(receipt.gasUsed), 0);

    const token = await deployToken(rpcUrl, benchKey, { settler: sender.address, pauser: sender.address });
    const recipients = Array.from({ length: members }, (_, member) => memberAddress(member));
    const amounts = recipients.map((_, member) => Array.from({ length: actionsPerMember }, (_, action) => actionAmount(member, action)).reduce((a, b) => a + b, 0n));
    settledGas = Number((await settle(token, 1n, recipients, amounts)).gasUsed);
  }, 300_000);

  it("settles 1,000 rewarded actions of 100 members for at most a tenth of the gas of 1,000 mints", () => {
    const actions = members * actionsPerMember;
    const figures = { actions, members, perActionMintGas: perActionGas / actions, settlementGasPerAction: settledGas / actions, ratio: settledGas / perActionGas, ratioMax };
    console.log(`ACTION_GAS ${JSON.stringify(figures)}`);
    expect(figures.ratio).toBeLessThanOrEqual(ratioMax);
  });
});
