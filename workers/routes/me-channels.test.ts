import { describe, expect, it } from "vitest";
import { call, operatorToken } from "../../test/api";
import { channelProgram } from "../../test/chat-channels";
import { signInByLink } from "../../test/sessions";

describe("GET /v1/me/channels", () => {
  it("lists each mapped channel with its group, open or closed, and what is missing in words", async () => {
    const { groups, chatGroups, mapGroups, enroll, earn } = await channelProgram();
    // A group can only be mapped to a gate the program defines.
    await expect(mapGroups({ ...chatGroups, "channel:no-such-gate": "@TGS#orphan" })).rejects.toThrow(/unknown gate channel:no-such-gate/);
    const memberId = await enroll();
    await earn(memberId, 100);
    const { cookie } = await signInByLink(operatorToken, memberId);

    const answer = await call("GET", "/v1/me/channels", { token: null, headers: { Cookie: cookie } });
    expect(answer.status).toBe(200);
    expect(answer.json.tier).toBe("BRONZE");
    const byGate = Object.fromEntries(answer.json.channels.map((channel: { gate: string }) => [channel.gate, channel]));
    expect(byGate["channel:general"]).toEqual({ gate: "channel:general", name: "#general", groupId: groups.general, open: true, reason: "open to you as BRONZE", unmet: [] });
    expect(byGate["channel:alpha-signals"]).toMatchObject({ groupId: groups.alpha, open: false, reason: "reach SILVER: 400 points to go", unmet: [{ leaf: "tierAtLeast", required: "SILVER", current: "BRONZE" }] });
    expect(byGate["channel:founders-room"]).toMatchObject({ open: false, reason: "reach GOLD: 1,900 points to go" });
    // Only mapped channels are listed: the preset's other channel gates have no Chat group here.
    expect(Object.keys(byGate).sort()).toEqual(["channel:alpha-signals", "channel:founders-room", "channel:general"]);

    await earn(memberId, 1_900);
    const gold = await call("GET", "/v1/me/channels", { token: null, headers: { Cookie: cookie } });
    expect(gold.json.channels.filter((channel: { open: boolean }) => channel.open)).toHaveLength(3);
  });

  it("answers 401 without a member session", async () => {
    const answer = await call("GET", "/v1/me/channels", { token: null });
    expect([answer.status, answer.json.error.code]).toEqual([401, expect.any(String)]);
  });
});
