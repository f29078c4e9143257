import { describe, expect, it } from "vitest";
import { memberLabel } from "./member-label";

const none = { email: null, phone: null, externalRef: null, referralCode: "ABCD1234" };

describe("memberLabel", () => {
  it("names a member by email, phone, wallet, then referral code, never in full", () => {
    expect(memberLabel({ ...none, email: "ana@example.com", phone: "+1 555 010 4321" })).toBe("a•••@example.com");
    expect(memberLabel({ ...none, phone: "+1 555 010 4321" })).toBe("the phone number ending 4321");
    expect(memberLabel({ ...none, externalRef: "wallet:0x1234567890abcdef1234567890abcdef12345678" })).toBe("the wallet 0x1234…5678");
    expect(memberLabel({ ...none, externalRef: "pos-42" })).toBe("the member with referral code ABCD1234");
  });
});
