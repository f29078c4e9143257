import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityViolations, newDevice, screenshot } from "./browser";
import { demoJourney } from "./demo-journey";

/** Points become tokens in a real browser against `npm start` (issue 23): the local settler settles on its hardhat node. */
describe("token journey", () => {
  const journey = demoJourney();
  const url = journey.url;
  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page), page.url()).toEqual([]);

  it("the seeded wallet member turns points into tokens, sees them on their way, then received with a link to the transaction", { timeout: 120_000 }, async () => {
    const member = journey.demo.walletMember;
    expect(member.settleablePoints).toBeGreaterThanOrEqual(100);
    const link = await fetch(url(`/v1/members/${member.id}/login-links`), { method: "POST", headers: { Authorization: `Bearer ${journey.demo.operatorToken}` } });
    expect(link.status).toBe(201);
    const page = await (await newDevice(journey.browser, "phone")).newPage();
    await page.goto(((await link.json()) as { url: string }).url);
    await page.getByRole("button", { name: /^Sign in as / }).click();
    await page.waitForURL(url("/"));

    // The nav leads to the page; it offers the member's settleable points, to the wallet they joined with.
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.waitForURL(url("/tokens"));
    const offer = page.getByTestId("settle-now");
    expect(await offer.textContent()).toContain(`You can turn ${member.settleablePoints} points into ${member.settleablePoints / 100} tokens now`);
    expect(await page.getByTestId("payout-wallet").textContent()).toContain(`Tokens go to ${member.address}.`);
    await screenshot(page, "tokens-offer");
    await expectAccessible(page);

    // One press: the points are on their way, waiting for the next batch (or already in one).
    await page.getByRole("button", { name: `Turn ${member.settleablePoints} points into tokens` }).click();
    await page.waitForURL(url("/tokens?notice=payout-cut"));
    // The notice names the amounts while the payout is on its way, and stays general once it has already arrived.
    await page.getByText(new RegExp(`^Done: (${member.settleablePoints} points|your points) are on their way to your wallet as `)).waitFor();
    const pending = page.getByTestId("payouts-pending");
    if (await pending.count()) {
      expect(await pending.textContent()).toContain(`${member.settleablePoints / 100} tokens for ${member.settleablePoints} points`);
      await screenshot(page, "tokens-pending");
      await expectAccessible(page);
    }

    // npm start's settler waits 2 s for a batch, then settles on the local chain with one confirmation.
    await expect
      .poll(
        async () => {
          await page.goto(url("/tokens"));
          return page.getByTestId("payouts-settled").count();
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await page.getByTestId("payouts-settled").textContent()).toContain(`${member.settleablePoints / 100} tokens for ${member.settleablePoints} points`);
    expect(await page.getByTestId("payouts-pending").count()).toBe(0);
    // The chain watcher (npm start runs its cron every 5 s) read the mint back from the chain.
    await expect
      .poll(
        async () => {
          await page.goto(url("/tokens"));
          return page.getByTestId("on-chain").textContent();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toMatch(new RegExp(`Balance${member.settleablePoints / 100} tokens.*As of block \\d+`));
    await screenshot(page, "tokens-received");
    await expectAccessible(page);

    // The transaction link opens our page of that transaction: the member's own payout in it.
    await page.getByTestId("tx-link").first().click();
    await page.waitForURL(/\/tokens\/tx\/0x[0-9a-f]{64}$/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Token transaction");
    expect(await page.getByText("This transaction sent you").textContent()).toContain(`${member.settleablePoints / 100} tokens`);
    await screenshot(page, "token-tx");
    await expectAccessible(page);
  });
});
