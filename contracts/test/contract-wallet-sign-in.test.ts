import { ContractFactory, Wallet } from "ethers";
import { SiweMessage } from "siwe";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { checkSignInSignature } from "../../workers/sessions/siwe-signature";
import { compileContract } from "../compile";
import { localProvider } from "../deploy";

// Hardhat's well-known dev account #2 (local chain only); the token tests use #0 and #1.
const deployerKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

describe("Sign-In with Ethereum from a contract wallet (EIP-1271)", () => {
  const owner = Wallet.createRandom();
  let walletAddress: string;
  let chain: { rpcUrl: string; chainId: number };

  beforeAll(async () => {
    chain = { rpcUrl: inject("chainRpcUrl"), chainId: 31337 };
    const { abi, bytecode } = compileContract("MinimalContractWallet");
    const deployer = new Wallet(deployerKey, localProvider(chain.rpcUrl));
    const contract = await new ContractFactory(abi as never[], bytecode, deployer).deploy(owner.address);
    await contract.waitForDeployment();
    walletAddress = await contract.getAddress();
  });

  const messageFor = (address: string) =>
    new SiweMessage({ domain: "loyalty.test", address, statement: "Sign in", uri: "https://loyalty.test", version: "1", chainId: 31337, nonce: "n0nce12345678", issuedAt: new Date().toISOString() });

  it("accepts the contract wallet's sign-in when its owner signed", async () => {
    const message = messageFor(walletAddress);
    const signature = await owner.signMessage(message.prepareMessage());
    expect(await checkSignInSignature(message, signature, chain, Date.now())).toEqual({ ok: true });
  });

  it("refuses it when anyone else signed", async () => {
    const message = messageFor(walletAddress);
    const signature = await Wallet.createRandom().signMessage(message.prepareMessage());
    expect(await checkSignInSignature(message, signature, chain, Date.now())).toEqual({ ok: false, reason: "Signature does not match address of the message." });
  });

  it("refuses an EOA's message signed by another key without asking a contract", async () => {
    const eoa = Wallet.createRandom();
    const message = messageFor(eoa.address);
    const signature = await owner.signMessage(message.prepareMessage());
    expect((await checkSignInSignature(message, signature, chain, Date.now())).ok).toBe(false);
  });
});
