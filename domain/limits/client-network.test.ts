import { describe, expect, it } from "vitest";
import { clientNetwork } from "./client-network";

describe("clientNetwork", () => {
  it("counts an IPv4 client as its own address", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts every address of one IPv6 /64 as one client, whichever way it is written", () => {
    const network = "2001:db8:85a3:42::/64";
    expect(clientNetwork("2001:db8:85a3:42::1")).toBe(network);
    expect(clientNetwork("2001:0DB8:85A3:0042:ffff:ffff:ffff:ffff")).toBe(network);
    expect(clientNetwork("2001:db8:85a3:42:1234::9%eth0")).toBe(network);
    expect(clientNetwork("2001:db8:85a3:43::1")).not.toBe(network);
  });

  it("expands a compressed prefix before cutting it", () => {
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address, and keeps anything else as given", () => {
    expect(clientNetwork("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientNetwork("local")).toBe("local");
    expect(clientNetwork("not:an:address")).toBe("not:an:address");
    expect(clientNetwork("x".repeat(500))).toHaveLength(64);
  });
});
