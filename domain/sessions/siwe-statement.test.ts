import fc from "fast-check";
import { SiweMessage } from "siwe";
import { describe, expect, it } from "vitest";
import { foldToStatementText, signInStatement, statementCharacters } from "./siwe-statement";

const messageWith = (statement: string) =>
  new SiweMessage({
    domain: "loyalty.test",
    address: "0x000000000000000000000000000000000000dEaD",
    statement,
    uri: "https://loyalty.test",
    version: "1",
    chainId: 31337,
    nonce: "a1b2c3d4e5f6g7h8",
    issuedAt: "2026-11-20T10:00:00.000Z",
  }).prepareMessage();

describe("the sign-in statement", () => {
  it.each([
    ["Café Coalition", "Sign in to Cafe Coalition."],
    ["Joe’s Bars", "Sign in to Joe's Bars."],
    ["50% Club", "Sign in to 50 Club."],
    ['"Quoted" <b>', "Sign in to Quoted b."],
    ["Rocket 🚀 Club", "Sign in to Rocket Club."],
    ["🚀🌙", "Sign in to the loyalty program."],
    ["Nebula", "Sign in to Nebula."],
  ])("folds %s into a statement that parses", (name, statement) => {
    expect(signInStatement(name)).toBe(statement);
    expect(new SiweMessage(messageWith(signInStatement(name))).statement).toBe(statement);
  });

  it("keeps a long name to one bounded line", () => {
    expect(foldToStatementText("x".repeat(500))).toHaveLength(80);
  });

  it("always builds a statement EIP-4361 accepts, whatever the program is called", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 120 }), (name) => {
        const statement = signInStatement(name);
        expect(statementCharacters.test(statement)).toBe(true);
        expect(new SiweMessage(messageWith(statement)).statement).toBe(statement);
      }),
      { numRuns: 300 },
    );
  });
});
