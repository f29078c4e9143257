import { type Contract, Signature, Wallet } from "ethers";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { as, deployToken, devKeys, nextId, revertOf, settle, wallet } from "./reward-token-fixture";

describe("RewardToken", () => {
  let rpcUrl: string;
  let token: Contract; // as the admin
  let settler: Contract;
  let pauser: Contract;
  let stranger: Wallet;
  let settlerRole: string;
  let pauserRole: string;

  beforeAll(async () => {
    rpcUrl = inject("chainRpcUrl");
    stranger = wallet(rpcUrl, devKeys.stranger);
    token = await deployToken(rpcUrl, devKeys.admin, { settler: wallet(rpcUrl, devKeys.settler).address, pauser: wallet(rpcUrl, devKeys.pauser).address });
    settler = as(token, wallet(rpcUrl, devKeys.settler));
    pauser = as(token, wallet(rpcUrl, devKeys.pauser));
    settlerRole = await token.SETTLER_ROLE();
    pauserRole = await token.PAUSER_ROLE();
  });

  describe("settlement", () => {
    it("mints each member's net amount under the next settlement id, with a Transfer per member", async () => {
      const [alice, bob] = [Wallet.createRandom().address, Wallet.createRandom().address];
      const id = await nextId(token);
      const receipt = await settle(settler, id, [alice, bob], [150n, 40n]);
      expect(await token.balanceOf(alice)).toBe(150n);
      expect(await token.balanceOf(bob)).toBe(40n);
      expect(await token.settledCount()).toBe(id);
      const events = receipt.logs.map((log: { topics: string[]; data: string }) => token.interface.parseLog(log));
      expect(events.map((event: { name: string; args: unknown[] }) => [event.name, ...event.args])).toEqual([
        ["Transfer", "0x0000000000000000000000000000000000000000", alice, 150n],
        ["Transfer", "0x0000000000000000000000000000000000000000", bob, 40n],
        ["Settled", id, 2n, 190n],
      ]);
    });

    it("refuses a replayed settlement id with SettlementOutOfOrder(expected, given)", async () => {
      const carol = Wallet.createRandom().address;
      const id = await nextId(token);
      await settle(settler, id, [carol], [10n]);
      expect(await revertOf(token, settler.settle.staticCall(id, [carol], [10n]))).toEqual({ name: "SettlementOutOfOrder", args: [id + 1n, id] });
      expect(await token.balanceOf(carol)).toBe(10n);
    });

    it("refuses a skipped settlement id with SettlementOutOfOrder(expected, given)", async () => {
      const id = await nextId(token);
      expect(await revertOf(token, settler.settle.staticCall(id + 1n, [Wallet.createRandom().address], [10n]))).toEqual({ name: "SettlementOutOfOrder", args: [id, id + 1n] });
      expect(await revertOf(token, settler.settle.staticCall(0n, [Wallet.createRandom().address], [10n]))).toEqual({ name: "SettlementOutOfOrder", args: [id, 0n] });
      expect(await token.settledCount()).toBe(id - 1n);
    });

    it("refuses mismatched, empty, oversized and zero-address batches, and amounts past the supply cap", async () => {
      const id = await nextId(token);
      const someone = Wallet.createRandom().address;
      const refusal = (recipients: string[], amounts: bigint[]) => revertOf(token, settler.settle.staticCall(id, recipients, amounts));
      expect(await refusal([someone], [])).toEqual({ name: "LengthMismatch", args: [1n, 0n] });
      expect(await refusal([], [])).toEqual({ name: "EmptySettlement", args: [] });
      expect(await refusal(Array(1501).fill(someone), Array(1501).fill(1n))).toEqual({ name: "TooManyRecipients", args: [1501n, 1500n] });
      expect(await refusal([someone, "0x0000000000000000000000000000000000000000"], [1n, 1n])).toEqual({ name: "SettlementToZeroAddress", args: [1n] });
      const cap = 2n ** 128n - 1n;
      const supply: bigint = await token.totalSupply();
      expect(await refusal([someone], [2n ** 200n])).toEqual({ name: "AmountTooLarge", args: [0n, 2n ** 200n] });
      expect(await refusal([someone, someone, someone], [1n, 2n ** 256n - 1n, 2n ** 255n])).toEqual({ name: "AmountTooLarge", args: [1n, 2n ** 256n - 1n] });
      expect(await refusal([someone, someone], [cap, 1n])).toEqual({ name: "SupplyCapExceeded", args: [supply + cap + 1n, cap] });
    });

    it("refuses a recipient word with bits above the address, as Solidity's ABI decoder would", async () => {
      const calldata = token.interface.encodeFunctionData("settle", [await nextId(token), [Wallet.createRandom().address], [1n]]);
      // selector (4 bytes), id, two offsets and the length (32 each): the first recipient's word starts at byte 132.
      const dirty = `${calldata.slice(0, 2 + 132 * 2)}01${calldata.slice(2 + 133 * 2)}`;
      const call = settler.runner!.call!({ to: await token.getAddress(), data: dirty });
      await expect(call).rejects.toMatchObject({ code: "CALL_EXCEPTION", data: "0x" });
      await expect(settler.runner!.call!({ to: await token.getAddress(), data: calldata })).resolves.toBe("0x");
    });
  });

  describe("roles", () => {
    it("lets only a holder of SETTLER_ROLE settle, as the admin grants and revokes it", async () => {
      const refusal = { name: "AccessControlUnauthorizedAccount", args: [stranger.address, settlerRole] };
      const asStranger = as(token, stranger);
      expect(await revertOf(token, asStranger.settle.staticCall(await nextId(token), [stranger.address], [1n]))).toEqual(refusal);
      await (await token.grantRole(settlerRole, stranger.address)).wait();
      await settle(asStranger, await nextId(token), [Wallet.createRandom().address], [1n]);
      await (await token.revokeRole(settlerRole, stranger.address)).wait();
      expect(await revertOf(token, asStranger.settle.staticCall(await nextId(token), [stranger.address], [1n]))).toEqual(refusal);
    });

    it("lets only the admin grant roles, and only the pauser pause", async () => {
      const asStranger = as(token, stranger);
      expect(await revertOf(token, asStranger.grantRole.staticCall(settlerRole, stranger.address))).toEqual({
        name: "AccessControlUnauthorizedAccount",
        args: [stranger.address, await token.DEFAULT_ADMIN_ROLE()],
      });
      expect(await revertOf(token, settler.pause.staticCall())).toEqual({ name: "AccessControlUnauthorizedAccount", args: [wallet(rpcUrl, devKeys.settler).address, pauserRole] });
    });
  });

  describe("pause", () => {
    it("stops settlement and transfers but not approvals, and unpausing resumes both", async () => {
      const holder = wallet(rpcUrl, devKeys.holders[0]);
      const asHolder = as(token, holder);
      await settle(settler, await nextId(token), [holder.address], [100n]);
      await (await pauser.pause()).wait();
      expect(await revertOf(token, settler.settle.staticCall(await nextId(token), [holder.address], [1n]))).toEqual({ name: "EnforcedPause", args: [] });
      expect(await revertOf(token, asHolder.transfer.staticCall(stranger.address, 1n))).toEqual({ name: "EnforcedPause", args: [] });
      await (await asHolder.approve(stranger.address, 5n)).wait();
      expect(await token.allowance(holder.address, stranger.address)).toBe(5n);
      await (await pauser.unpause()).wait();
      const before: bigint = await token.balanceOf(holder.address);
      await (await asHolder.transfer(stranger.address, 1n)).wait();
      expect(await token.balanceOf(holder.address)).toBe(before - 1n);
      await settle(settler, await nextId(token), [holder.address], [1n]);
      expect(await token.balanceOf(holder.address)).toBe(before);
    });
  });

  describe("permit", () => {
    it("lets a spender use an EOA holder's EIP-2612 signature, once", async () => {
      const member = Wallet.createRandom();
      await settle(settler, await nextId(token), [member.address], [70n]);
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
      const domain = { name: "Loyalty Reward", version: "1", chainId: 31337, verifyingContract: await token.getAddress() };
      const types = { Permit: [{ name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
      const signature = Signature.from(await member.signTypedData(domain, types, { owner: member.address, spender: stranger.address, value: 30n, nonce: 0n, deadline }));
      const asStranger = as(token, stranger);
      await (await asStranger.permit(member.address, stranger.address, 30n, deadline, signature.v, signature.r, signature.s)).wait();
      expect(await token.allowance(member.address, stranger.address)).toBe(30n);
      await (await asStranger.transferFrom(member.address, stranger.address, 30n)).wait();
      expect(await token.balanceOf(member.address)).toBe(40n);
      expect((await revertOf(token, asStranger.permit.staticCall(member.address, stranger.address, 30n, deadline, signature.v, signature.r, signature.s))).name).toBe("ERC2612InvalidSigner");
    });
  });

  describe("balances and supply", () => {
    type Command = { kind: "settle"; amounts: bigint[] } | { kind: "transfer"; from: number; to: number; amount: bigint };
    const holderCount = devKeys.holders.length;
    const command = fc.oneof(
      fc.record({ kind: fc.constant("settle" as const), amounts: fc.array(fc.bigInt(0n, 1000n), { minLength: holderCount, maxLength: holderCount }) }),
      fc.record({ kind: fc.constant("transfer" as const), from: fc.nat(holderCount - 1), to: fc.nat(holderCount - 1), amount: fc.bigInt(0n, 1500n) }),
    );

    it("equal a model's after any sequence of settlements and transfers, and sum to the supply", { timeout: 120_000 }, async () => {
      const holders = devKeys.holders.map((key) => wallet(rpcUrl, key));
      const addresses = holders.map((holder) => holder.address);
      const readBalances = async (): Promise<bigint[]> => Promise.all(addresses.map((address) => token.balanceOf(address)));
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 6 }), async (commands: Command[]) => {
          const model = await readBalances();
          let supply: bigint = await token.totalSupply();
          for (const step of commands) {
            if (step.kind === "settle") {
              await settle(settler, await nextId(token), addresses, step.amounts);
              step.amounts.forEach((amount, i) => (model[i] += amount));
              supply += step.amounts.reduce((sum, amount) => sum + amount, 0n);
            } else if (step.amount > model[step.from]) {
              const asSender = as(token, holders[step.from]);
              expect(await revertOf(token, asSender.transfer.staticCall(addresses[step.to], step.amount))).toEqual({
                name: "ERC20InsufficientBalance",
                args: [addresses[step.from], model[step.from], step.amount],
              });
            } else {
              await (await as(token, holders[step.from]).transfer(addresses[step.to], step.amount)).wait();
              model[step.from] -= step.amount;
              model[step.to] += step.amount;
            }
            expect(await readBalances()).toEqual(model);
            expect(await token.totalSupply()).toBe(supply);
          }
        }),
        { numRuns: 8 },
      );
    });

    it("rebuilds every balance from the Transfer logs, and they sum to the supply", async () => {
      // Indexers and the chain-events poller see only the logs: settlements must emit a mint per recipient.
      const logs = await token.queryFilter(token.filters.Transfer(), 0);
      const balances = new Map<string, bigint>();
      for (const log of logs) {
        const [from, to, value] = (log as unknown as { args: [string, string, bigint] }).args;
        balances.set(from, (balances.get(from) ?? 0n) - value);
        balances.set(to, (balances.get(to) ?? 0n) + value);
      }
      balances.delete("0x0000000000000000000000000000000000000000");
      let sum = 0n;
      for (const [address, balance] of balances) {
        expect(await token.balanceOf(address)).toBe(balance);
        sum += balance;
      }
      expect(sum).toBe(await token.totalSupply());
    });
  });
});
