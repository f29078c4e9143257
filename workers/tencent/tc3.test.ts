import { describe, expect, it } from "vitest";
import { tc3Sign } from "./tc3";

/**
 * Tencent's worked example in "Signature v3" (CVM DescribeInstances, 2019-02-25), with its published
 * intermediate hashes and signature. The masked key ("*******") is part of the example: the published
 * values were computed over exactly these strings. The payload keeps its literal \u escapes.
 */
const documented = {
  secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******",
  secretKey: "Gu5t9xGARNpq86cd98joQYCN3*******",
  service: "cvm",
  timestampSeconds: 1551113065,
  signedHeaders: { "Content-Type": "application/json; charset=utf-8", Host: "cvm.tencentcloudapi.com" },
  payload: String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`,
};

describe("TC3-HMAC-SHA256", () => {
  it("reproduces Tencent's documented DescribeInstances example step by step", async () => {
    const signed = await tc3Sign(documented);
    expect(signed.canonicalRequest).toBe(
      [
        "POST",
        "/",
        "",
        "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n",
        "content-type;host",
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
      ].join("\n"),
    );
    expect(signed.stringToSign).toBe(
      "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
    );
    expect(signed.authorization).toBe(
      "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
    );
  });

  it("sorts and lowercases signed headers, including the action Tencent now recommends signing", async () => {
    const signed = await tc3Sign({ ...documented, signedHeaders: { "X-TC-Action": "DescribeInstances", ...documented.signedHeaders } });
    expect(signed.canonicalRequest).toContain("host:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n");
    expect(signed.authorization).toContain("SignedHeaders=content-type;host;x-tc-action, ");
    expect(signed.signature).not.toBe("2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
  });

  it("scopes the credential to the UTC day of the timestamp", async () => {
    const justBeforeMidnight = await tc3Sign({ ...documented, timestampSeconds: Date.UTC(2026, 0, 1, 23, 59, 59) / 1000 });
    expect(justBeforeMidnight.authorization).toContain("/2026-01-01/cvm/tc3_request");
  });
});
