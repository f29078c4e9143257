import { callApi, messageOf, show } from "./lib/api";

/** An EIP-1193 provider, as browser wallets inject it. */
type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

const root = document.getElementById("wallet-sign-in")!;
const button = document.getElementById("connect-wallet") as HTMLButtonElement;
const status = document.getElementById("sign-in-status")!;
const continueLink = document.getElementById("sign-in-continue")!;
const wallet = (window as unknown as { ethereum?: Eip1193 }).ethereum;

const hex = (text: string) => `0x${Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;

async function signIn(provider: Eip1193): Promise<void> {
  button.disabled = true;
  try {
    show(status, "Waiting for your wallet…");
    const [address] = (await provider.request({ method: "eth_requestAccounts" })) as string[];
    if (!address) throw new Error("no account");
    const { message } = await callApi<{ message: string }>("POST", "/v1/auth/siwe/nonce", { programId: root.dataset.programId, address });
    show(status, "Sign the message in your wallet…");
    const signature = (await provider.request({ method: "personal_sign", params: [hex(message), address] })) as string;
    show(status, "Signing you in…");
    const referralCode = root.dataset.referralCode || undefined;
    const answer = await callApi<{ referral?: { status: string } }>("POST", "/v1/auth/siwe/verify", { message, signature, referralCode });
    if (answer.referral?.status === "unknown_referral_code") {
      // Signed in all the same; the person reads why no one was credited before going on.
      show(status, "Signed in. That referral code was not found; you joined without a referral.", "info");
      continueLink.hidden = false;
      return;
    }
    show(status, "Signed in.", "success");
    location.assign("/");
  } catch (error) {
    const refused = (error as { code?: number }).code === 4001;
    show(status, refused ? "You declined in your wallet. Nothing was signed." : messageOf(error), "error");
    button.disabled = false;
  }
}

if (wallet) {
  button.disabled = false;
  button.addEventListener("click", () => void signIn(wallet));
} else {
  show(status, "No browser wallet found. Install one (MetaMask, Rabby…) or ask a venue for a login link.", "error");
}
