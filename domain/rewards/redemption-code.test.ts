import { describe, expect, it } from "vitest";
import { codeCandidate, normalizeCode } from "./redemption-code";

describe("redemption codes", () => {
  const code = codeCandidate("mem_x", "key-1", 0);

  it("reads as XXXX-XXXX and accepts itself typed sloppily", () => {
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(normalizeCode(code.toLowerCase().replace("-", " "))).toBe(code);
    expect(normalizeCode(code.replace("-", "").replace(/0/g, "o").replace(/1/g, "l"))).toBe(code);
  });

  it("draws the same sequence for the same request and another for another request", () => {
    expect(codeCandidate("mem_x", "key-1", 0)).toBe(code);
    expect(codeCandidate("mem_x", "key-1", 1)).not.toBe(code);
    expect(codeCandidate("mem_y", "key-1", 0)).not.toBe(code);
  });

  it("catches every single mistyped character", () => {
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (let attempt = 0; attempt < 20; attempt++) {
      const compact = codeCandidate("mem_z", `k-${attempt}`, 0).replace("-", "");
      for (let position = 0; position < compact.length; position++) {
        for (const char of alphabet) {
          if (char === compact[position]) continue;
          const typo = compact.slice(0, position) + char + compact.slice(position + 1);
          expect(normalizeCode(typo), typo).toBeNull();
        }
      }
    }
  });

  it("refuses text that cannot be a code", () => {
    expect(normalizeCode("")).toBeNull();
    expect(normalizeCode("ABCD-EFG")).toBeNull();
    expect(normalizeCode("ABCD-EFGU")).toBeNull();
  });
});
