import { renderSVG } from "uqr";
import { ApiFailure, callApi, messageOf, requestApi, show } from "./lib/api";
import { startScanner } from "./lib/scanner";

type Member = { id: string; email: string | null; phone: string | null; externalRef: string | null; referralCode: string; tier: string; points: { available: number; pending: number } };

const root = document.getElementById("kiosk")!;
const { programId, currency, timezone } = root.dataset as { programId: string; currency: string; timezone: string };
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const money = (cents: number) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
const when = (iso: string) => new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const cents = (text: string) => Math.round(Number(text.replace(",", ".")) * 100);

/** While a form's request runs its button shows it and cannot be pressed twice. */
async function busy(form: HTMLFormElement, label: string, work: () => Promise<void>): Promise<void> {
  const button = form.querySelector<HTMLButtonElement>("button[type=submit]")!;
  const idle = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = idle;
  }
}

/**
 * One idempotency key per intended write: a retry after a timeout reuses it (the server answers the
 * first result), and it is replaced once the write is confirmed or the form's contents change.
 */
function keyFor(form: HTMLFormElement): { current(): string; done(): void } {
  let key = crypto.randomUUID();
  form.addEventListener("input", () => (key = crypto.randomUUID()));
  return { current: () => key, done: () => (key = crypto.randomUUID()) };
}

let member: Member | null = null;

/** How staff see a member: email or phone, else the customer number, a wallet shortened, or the referral code. */
function memberName(found: Member): string {
  const wallet = /^wallet:(0x[0-9a-fA-F]{40})$/.exec(found.externalRef ?? "")?.[1];
  if (found.email ?? found.phone) return (found.email ?? found.phone)!;
  if (wallet) return `Wallet ${wallet.slice(0, 6)}…${wallet.slice(-4)}`;
  return found.externalRef ?? `Member ${found.referralCode}`;
}

function showMember(found: Member): void {
  member = found;
  byId("member-card").hidden = false;
  byId("member-name").textContent = memberName(found);
  byId("member-tier").textContent = found.tier;
  byId("member-points").textContent = `${found.points.available.toLocaleString("en-US")} points available, ${found.points.pending.toLocaleString("en-US")} pending`;
  byId("login-qr").hidden = true;
  byId<HTMLButtonElement>("purchase-submit").disabled = false;
}

const lookup = byId<HTMLFormElement>("lookup");
lookup.addEventListener("submit", (event) => {
  event.preventDefault();
  const status = byId("lookup-status");
  void busy(lookup, "Finding…", async () => {
    try {
      const by = byId<HTMLSelectElement>("lookup-by").value;
      const value = byId<HTMLInputElement>("lookup-value").value.trim();
      const { members } = await callApi<{ members: { id: string }[] }>("GET", `/v1/programs/${encodeURIComponent(programId)}/members?${new URLSearchParams({ [by]: value, limit: "2" })}`);
      if (members.length === 0) return show(status, "No member found. Check the spelling, or enroll them.", "error");
      showMember(await callApi<Member>("GET", `/v1/members/${members[0].id}`));
      show(status, members.length > 1 ? "More than one member matches; showing the first. Look up by referral code to be sure." : "Member found.", members.length > 1 ? "info" : "success");
    } catch (error) {
      show(status, messageOf(error), "error");
    }
  });
});

byId("show-login-qr").addEventListener("click", async () => {
  if (!member) return;
  const status = byId("lookup-status");
  try {
    const link = await callApi<{ url: string; expiresAt: string }>("POST", `/v1/members/${member.id}/login-links`);
    byId("login-qr-image").innerHTML = renderSVG(link.url, { border: 2 }).replace("<svg ", '<svg class="qr" role="img" aria-label="Sign-in QR code" ');
    byId("login-qr-image").dataset.url = link.url;
    byId("login-qr-expiry").textContent = `Ask the member to scan it with their phone's camera. It works once, until ${when(link.expiresAt)}.`;
    byId("login-qr").hidden = false;
  } catch (error) {
    show(status, messageOf(error), "error");
  }
});

/** "burger × 2 @ 12.50" → an item line; the kiosk's free text becomes the API's items. */
function parseItems(text: string) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.+?)\s*[x×*]\s*(\d+)\s*@\s*(\d+(?:[.,]\d{1,2})?)$/.exec(line);
      if (!match) throw new Error(`Cannot read the item line "${line}": write it as name × quantity @ unit price`);
      return { sku: match[1].slice(0, 64), quantity: Number(match[2]), unitCents: cents(match[3]) };
    });
}

const purchase = byId<HTMLFormElement>("purchase");
const purchaseKey = keyFor(purchase);
purchase.addEventListener("submit", (event) => {
  event.preventDefault();
  const status = byId("purchase-status");
  if (!member) return show(status, "Find the member first.", "error");
  let items;
  try {
    items = parseItems(byId<HTMLTextAreaElement>("purchase-items").value);
  } catch (error) {
    return show(status, (error as Error).message, "error");
  }
  const amountCents = cents(byId<HTMLInputElement>("purchase-amount").value);
  void busy(purchase, "Posting…", async () => {
    try {
      const body = { memberId: member!.id, amountCents, occurredAt: new Date().toISOString(), ...(items.length ? { items } : {}) };
      const result = await callApi<{ purchaseId: string; pointsPending: number; postsAt: string }>("POST", "/v1/purchases", body, purchaseKey.current());
      purchaseKey.done();
      show(status, `${money(amountCents)} posted: ${result.pointsPending.toLocaleString("en-US")} points pending, available ${when(result.postsAt)}. Purchase ${result.purchaseId}.`, "success");
      showMember(await callApi<Member>("GET", `/v1/members/${member!.id}`));
      byId<HTMLInputElement>("refund-purchase").value = result.purchaseId;
      byId<HTMLInputElement>("refund-amount").value = (amountCents / 100).toFixed(2);
      purchase.reset();
    } catch (error) {
      show(status, messageOf(error), "error");
    }
  });
});

const consume = byId<HTMLFormElement>("consume");
/** Codes whose last try here got no answer: if the server then says "already used", that was this kiosk's own try. */
const unanswered = new Set<string>();
async function consumeCode(typed: string): Promise<void> {
  const status = byId("consume-status");
  const code = typed.toUpperCase().replace(/[^0-9A-Z]/g, "");
  try {
    const { body: result, replayed } = await requestApi<{ code: string; status: string }>("POST", `/v1/redemptions/${encodeURIComponent(code)}/consume`);
    if (replayed && !unanswered.has(code)) {
      show(status, `Code ${result.code} was already used before. Do not hand the reward over again.`, "error");
    } else {
      show(status, `Code ${result.code} used. Hand over the reward.`, "success");
      consume.reset();
    }
    unanswered.delete(code);
  } catch (error) {
    if (error instanceof ApiFailure && error.code === "network_error") unanswered.add(code);
    show(status, messageOf(error), "error");
  }
}
consume.addEventListener("submit", (event) => {
  event.preventDefault();
  void busy(consume, "Checking…", () => consumeCode(byId<HTMLInputElement>("consume-code").value.trim()));
});

const scan = byId<HTMLButtonElement>("scan-code");
if ("BarcodeDetector" in window) {
  scan.hidden = false;
  scan.addEventListener("click", async () => {
    try {
      const code = await startScanner(byId<HTMLVideoElement>("scanner"));
      byId<HTMLInputElement>("consume-code").value = code;
      await consumeCode(code);
    } catch (error) {
      show(byId("consume-status"), (error as Error).message, "error");
    }
  });
}

const refund = byId<HTMLFormElement>("refund");
const refundKey = keyFor(refund);
refund.addEventListener("submit", (event) => {
  event.preventDefault();
  const status = byId("refund-status");
  void busy(refund, "Refunding…", async () => {
    try {
      const purchaseId = byId<HTMLInputElement>("refund-purchase").value.trim();
      const amountCents = cents(byId<HTMLInputElement>("refund-amount").value);
      const result = await callApi<{ pointsVoided: number; pointsClawedBack: number }>("POST", `/v1/purchases/${encodeURIComponent(purchaseId)}/refunds`, { amountCents }, refundKey.current());
      refundKey.done();
      const points = result.pointsVoided + result.pointsClawedBack;
      show(status, `${money(amountCents)} refunded; ${points.toLocaleString("en-US")} points taken back.`, "success");
    } catch (error) {
      show(status, messageOf(error), "error");
    }
  });
});
