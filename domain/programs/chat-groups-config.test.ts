import { describe, expect, it } from "vitest";
import { buildProgramConfig } from "./build-program-config";

const withChatGroups = (chatGroups: Record<string, string>) => buildProgramConfig("community", { community: { chatGroups } });

describe("community.chatGroups", () => {
  it("maps the program's gates to Tencent Chat group ids", () => {
    const result = withChatGroups({ "channel:general": "@TGS#general", "channel:alpha-signals": "nebula-alpha_signals" });
    expect(result.ok && result.config.community?.chatGroups).toEqual({ "channel:general": "@TGS#general", "channel:alpha-signals": "nebula-alpha_signals" });
  });

  it("refuses a gate the program does not have, a malformed id, an AMA-shaped id and one group under two gates", () => {
    expect(JSON.stringify(withChatGroups({ "channel:nowhere": "grp-1" }))).toContain("unknown gate channel:nowhere");
    expect(JSON.stringify(withChatGroups({ "channel:general": "has spaces" }))).toContain("1-48 letters");
    expect(JSON.stringify(withChatGroups({ "channel:general": `ama_${"0".repeat(24)}` }))).toContain("AMA");
    expect(JSON.stringify(withChatGroups({ "channel:general": "grp-1", "channel:support": "grp-1" }))).toContain("one gate");
  });
});
