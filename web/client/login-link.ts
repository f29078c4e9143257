import { callApi, messageOf, show } from "./lib/api";

type LinkCheck = { member: { label: string }; signedInAs: { label: string; sameMember: boolean } | null };

const status = document.getElementById("login-status")!;
const button = document.getElementById("login-continue") as HTMLButtonElement;
const token = location.hash.slice(1);
// The token is single use: keep it out of the history and of anything the page shares.
history.replaceState(null, "", location.pathname);

/** Says whom the link signs in (nothing is used yet), and what pressing the button will do. */
async function describeLink(): Promise<void> {
  if (!token) return show(status, "This link has no sign-in code. Ask the venue for a new one.", "error");
  try {
    const check = await callApi<LinkCheck>("POST", "/v1/auth/login-links/check", { token });
    const switching = check.signedInAs !== null && !check.signedInAs.sameMember;
    if (switching) {
      show(status, `You are signed in as ${check.signedInAs!.label} in this browser. Continue as ${check.member.label}? You will be signed out of ${check.signedInAs!.label} here.`, "info");
      button.textContent = `Switch to ${check.member.label}`;
    } else {
      show(status, check.signedInAs ? `You are already signed in as ${check.member.label}; this link signs you in again.` : `This link signs in ${check.member.label}. It works once.`, "info");
      button.textContent = `Sign in as ${check.member.label}`;
    }
    button.hidden = false;
    button.addEventListener("click", () => void useLink(switching), { once: true });
  } catch (error) {
    show(status, messageOf(error), "error");
  }
}

async function useLink(switching: boolean): Promise<void> {
  button.disabled = true;
  try {
    // End the other member's session here first, so the switch leaves nothing of theirs behind.
    if (switching) await callApi("POST", "/v1/auth/logout").catch(() => undefined);
    await callApi("POST", "/v1/auth/login-links/use", { token });
    show(status, "Signed in.", "success");
    location.assign("/");
  } catch (error) {
    button.hidden = true;
    show(status, messageOf(error), "error");
  }
}

void describeLink();
