import { callApi } from "./lib/api";

/** While a code is unused, checks every few seconds whether the venue took it, and then shows the page anew. */
const card = document.getElementById("redemption")!;
const code = card.dataset.code!;

async function check(): Promise<void> {
  try {
    const { redemptions } = await callApi<{ redemptions: { code: string; status: string }[] }>("GET", "/v1/me/redemptions?limit=50");
    const mine = redemptions.find((redemption) => redemption.code === code);
    if (mine && mine.status !== card.dataset.status) return location.reload();
  } catch {
    // Offline or signed out: the next round tries again; the code on screen stays valid.
  }
  setTimeout(check, 3000);
}

setTimeout(check, 3000);
