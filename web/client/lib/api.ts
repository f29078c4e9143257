/** The pages' one way to call the API: same-origin JSON, with the session cookie, errors as readable text. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Friendlier words for the codes a person at a counter or on a phone most often meets; otherwise the API's own message. */
const friendlier: Record<string, string> = {
  rate_limited: "Too many attempts. Wait a little and try again.",
  kiosk_signed_out: "This kiosk was signed out. Reload the page and sign it in again.",
  session_expired: "Your session has ended. Sign in again.",
  network_error: "The connection failed. Check the network and try again.",
};

export async function callApi<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  return (await requestApi<T>(method, path, body, idempotencyKey)).body;
}

/** As callApi, and says whether the server replayed an earlier answer (Idempotent-Replayed) instead of acting now. */
export async function requestApi<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown, idempotencyKey?: string): Promise<{ body: T; replayed: boolean }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiFailure(0, "network_error", friendlier.network_error);
  }
  const replayed = response.headers.get("Idempotent-Replayed") === "true";
  if (response.status === 204) return { body: undefined as T, replayed };
  const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!response.ok) {
    const code = json?.error?.code ?? "unexpected";
    throw new ApiFailure(response.status, code, friendlier[code] ?? json?.error?.message ?? `The server answered ${response.status}`);
  }
  return { body: json as T, replayed };
}

export function messageOf(error: unknown): string {
  return error instanceof ApiFailure ? error.message : "Something went wrong. Try again.";
}

/** Shows `text` in a status element, styled by kind; screen readers hear it through aria-live / role. */
export function show(element: HTMLElement, text: string, kind: "info" | "error" | "success" = "info"): void {
  element.textContent = text;
  element.className = `notice ${kind}`;
  element.setAttribute("role", kind === "error" ? "alert" : "status");
}
