import { callApi, messageOf, show } from "./lib/api";

const status = document.getElementById("login-status")!;
const token = location.hash.slice(1);
// The token is single use: keep it out of the history and of anything the page shares.
history.replaceState(null, "", location.pathname);

async function useLink(): Promise<void> {
  if (!token) return show(status, "This link has no sign-in code. Ask the venue for a new one.", "error");
  try {
    await callApi("POST", "/v1/auth/login-links/use", { token });
    show(status, "Signed in.", "success");
    location.assign("/");
  } catch (error) {
    show(status, messageOf(error), "error");
  }
}

void useLink();
