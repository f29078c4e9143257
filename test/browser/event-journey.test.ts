import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { demoJourney } from "./demo-journey";
import { accessibilityViolations, measureFirstLoad, newDevice, screenshot } from "./browser";

/** A live event in a real browser against `npm start` (issue 22): seats, overflow, the waitlist, a promotion, and a poll's live results. */
describe("live event journey", () => {
  const journey = demoJourney();

  const url = journey.url;
  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page), page.url()).toEqual([]);

  it("a host creates an event; one member takes the last seat, a DIAMOND an overflow seat, one waits; a cancellation promotes the waiting one; a poll's results update live", { timeout: 240_000 }, async () => {
    const community = journey.demo.programs.find((program) => program.preset === "community")!;
    const operator = { Authorization: `Bearer ${journey.demo.operatorToken}`, "Content-Type": "application/json" };
    const post = async (route: string, body?: object) => {
      const response = await fetch(url(route), { method: "POST", headers: { ...operator, "Idempotency-Key": crypto.randomUUID() }, body: body && JSON.stringify(body) });
      expect(response.status, `${route}: ${await response.clone().text()}`).toBeLessThan(300);
      return (await response.json()) as Record<string, unknown>;
    };
    /** A community member (a first vote qualifies them; `points` more set their tier), signed in through a login link on its own device. */
    async function member(name: string, size: "phone" | "tablet", points = 0) {
      const { id } = (await post("/v1/members", { programId: community.id, externalRef: `event-${name}-${crypto.randomUUID()}` })) as { id: string };
      await post(`/v1/members/${id}/actions`, { kind: "governance_vote", sourceId: "first-vote" });
      if (points > 0) await post(`/v1/members/${id}/adjustments`, { points, qualifies: true, reason: `Tier for the event journey (${name})` });
      const link = (await post(`/v1/members/${id}/login-links`)) as { url: string };
      const page = await (await newDevice(journey.browser, size)).newPage();
      await page.goto(link.url);
      await page.getByRole("button", { name: /^Sign in as / }).click();
      await page.waitForURL(url("/"));
      return { id, page };
    }
    const host = await member("host", "tablet", 10_000);
    const lastSeat = await member("last-seat", "phone");
    const diamond = await member("diamond", "phone", 10_000);
    const waiting = await member("waiting", "phone", 2_000);

    // The DIAMOND host creates an event of one seat and one overflow seat with the form on /events.
    await host.page.getByRole("link", { name: "Events" }).click();
    await host.page.getByRole("heading", { name: "Create an event" }).waitFor();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await host.page.getByLabel("Title").fill("Season 2 community call");
    await host.page.getByLabel(/^Starts/).fill(`${tomorrow}T18:30`);
    await host.page.getByLabel("Length in minutes").fill("60");
    await host.page.getByLabel("Seats", { exact: true }).fill("1");
    await host.page.getByLabel(/^DIAMOND overflow seats/).fill("1");
    await host.page.getByRole("button", { name: "Create event" }).click();
    await host.page.waitForURL(/\/events\/evt_[0-9a-f]+$/);
    const eventPath = new URL(host.page.url()).pathname;
    await host.page.goto(url("/events"));
    await screenshot(host.page, "events-host");
    await expectAccessible(host.page);

    // One member takes the last seat, the DIAMOND an overflow seat, the GOLD member waits.
    const register = async (page: Page) => {
      await page.goto(url("/events"));
      await page.getByRole("button", { name: "Register for Season 2 community call" }).click();
      await page.waitForURL(url("/events"));
      return page.getByTestId("my-registration").first().textContent();
    };
    expect(await register(lastSeat.page)).toBe("You are registered.");
    expect(await register(diamond.page)).toBe("You are registered, in a DIAMOND overflow seat.");
    expect(await register(waiting.page)).toMatch(/^You are 1st on the waitlist/);
    expect(await waiting.page.getByTestId("event-counts").first().textContent()).toBe("1 of 1 seats taken · 1 of 1 DIAMOND overflow seats · 1 waiting");
    await screenshot(waiting.page, "events-waitlisted");
    await expectAccessible(waiting.page);

    // The last-seat member cancels: the waiting member holds the seat at once, and their page says so.
    await lastSeat.page.getByRole("button", { name: "Cancel registration for Season 2 community call" }).click();
    await lastSeat.page.waitForURL(url("/events"));
    await waiting.page.goto(url(eventPath));
    expect(await waiting.page.getByTestId("my-registration").textContent()).toBe("You are registered.");
    await waiting.page.getByText("A seat freed up: you moved from the waitlist to a seat.").waitFor();

    // The event page, live: the host opens a poll; the DIAMOND votes; the promoted member's page shows the result within a second.
    const load = await measureFirstLoad(diamond.page, url(eventPath));
    console.log(`Event page first load: ${load.scriptCount} scripts, ${load.scriptGzipBytes} B gzipped JS`);
    expect(load.scriptGzipBytes).toBeLessThanOrEqual(60 * 1024);
    await host.page.goto(url(eventPath));
    const connected = (page: Page) => expect.poll(() => page.locator("#event-connection").textContent()).toMatch(/^Connected/);
    for (const page of [host.page, diamond.page, waiting.page]) await connected(page);
    await host.page.getByRole("textbox", { name: "Question", exact: true }).fill("What should we build next?");
    await host.page.getByLabel(/^Options, one per line/).fill("Staking\nQuests\nBadges");
    await host.page.getByRole("button", { name: "Open poll" }).click();
    await diamond.page.getByRole("button", { name: "Vote Quests" }).click();
    await expect.poll(() => waiting.page.getByTestId("poll-tally").nth(1).textContent(), { timeout: 1_000, interval: 25 }).toBe("1 vote");
    await waiting.page.getByRole("button", { name: "Vote Staking" }).click();
    await expect.poll(() => host.page.getByTestId("poll-tally").first().textContent(), { timeout: 1_000, interval: 25 }).toBe("1 vote");

    // Q&A: the promoted member asks; the DIAMOND sees it and upvotes.
    await waiting.page.getByLabel(/^Your question/).fill("When does season 2 start?");
    await waiting.page.getByRole("button", { name: "Ask" }).click();
    await diamond.page.getByText("When does season 2 start?").waitFor();
    await diamond.page.getByRole("button", { name: "Upvote" }).click();
    await expect.poll(() => host.page.getByTestId("questions").textContent()).toContain("1 upvote");
    // Audio: the join answers TRTC credentials; no Tencent servers here, and the page says so in words.
    await waiting.page.getByRole("button", { name: "Join audio" }).click();
    await expect.poll(() => waiting.page.locator("#audio-status").textContent(), { timeout: 15_000 }).toMatch(/^Audio is unavailable here/);
    await screenshot(waiting.page, "event-member-live");
    await screenshot(host.page, "event-host-live");
    await expectAccessible(waiting.page);
    await expectAccessible(host.page);
  });
});
