import { makeError } from "ethers";
import { describe, expect, it } from "vitest";
import { broadcastFailure } from "./broadcast-errors";

const transaction = { to: "0x0000000000000000000000000000000000000001", data: "0x" };
const nodeSaid = (message: string) => makeError("could not coalesce error", "UNKNOWN_ERROR", { error: { code: -32000, message } });

describe("what a refused broadcast means", () => {
  it("reads a taken nonce, mapped by ethers or in the node's words", () => {
    expect(broadcastFailure(makeError("nonce has already been used", "NONCE_EXPIRED", { transaction, info: { error: { message: "nonce too low" } } }))).toBe("nonce_taken");
    expect(broadcastFailure(nodeSaid("Nonce too low. Expected nonce to be 8 but got 7."))).toBe("nonce_taken");
  });

  it("reads a fee the node will not take as fee_too_low, so the next step bumps it", () => {
    expect(broadcastFailure(makeError("replacement fee too low", "REPLACEMENT_UNDERPRICED", { transaction, info: { error: { message: "replacement transaction underpriced" } } }))).toBe("fee_too_low");
    expect(broadcastFailure(nodeSaid("transaction underpriced"))).toBe("fee_too_low");
    expect(broadcastFailure(nodeSaid("max fee per gas less than block base fee"))).toBe("fee_too_low");
  });

  it("takes 'already known' as sent", () => {
    expect(broadcastFailure(nodeSaid("already known"))).toBe("known");
  });

  it("takes a failure with no answer from a node as transport: the outcome is unknown", () => {
    expect(broadcastFailure(makeError("server response 502", "SERVER_ERROR"))).toBe("transport");
    expect(broadcastFailure(new TypeError("fetch failed"))).toBe("transport");
  });

  it("takes anything else the node said as a refusal", () => {
    expect(broadcastFailure(nodeSaid("intrinsic gas too low for this transaction"))).toBe("fee_too_low");
    expect(broadcastFailure(nodeSaid("invalid sender"))).toBe("rejected");
    expect(broadcastFailure(makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction }))).toBe("rejected");
  });
});
