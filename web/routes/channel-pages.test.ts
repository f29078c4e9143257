import { describe, expect, it } from "vitest";
import { call, operatorToken } from "../../test/api";
import { channelProgram } from "../../test/chat-channels";
import { signInByLink } from "../../test/sessions";

describe("the channels page", () => {
  it("lists the member's channels, open ones first and closed ones with what opens them, and links from the nav", async () => {
    const { enroll, earn } = await channelProgram();
    const memberId = await enroll();
    await earn(memberId, 600);
    const { cookie } = await signInByLink(operatorToken, memberId);
    const page = await call("GET", "/channels", { token: null, headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = page.json as string;
    expect(html).toContain('href="/channels"');
    expect(html).toMatch(/data-testid="channels-open".*#general.*#alpha-signals/s);
    expect(html).toMatch(/data-testid="channels-closed".*#founders-room.*reach GOLD: 1,400 points to go/s);
    expect(html).toContain("You are <strong>SILVER</strong>");
  });

  it("sends a visitor without a session to sign in", async () => {
    const page = await call("GET", "/channels", { token: null });
    expect(page.status).toBe(303);
  });
});
