import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/api";
import { coalition, enroll, newKey } from "../../test/ledger";
import { requestBytesMax } from "../../workers/middleware/json-body";
import { appOrigin, fromNewClient } from "../../test/sessions";

const formHeaders = (origin = appOrigin) => ({ Origin: origin, "Content-Type": "application/x-www-form-urlencoded", ...fromNewClient() });

async function signKioskIn(venueKey: string) {
  const response = await call("POST", "/kiosk/sign-in", { token: null, rawBody: new URLSearchParams({ venueKey }).toString(), headers: formHeaders() });
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  return { response, setCookie, cookie: /__Host-loyalty_kiosk=[^;]+/.exec(setCookie)?.[0] ?? "" };
}

describe("kiosk pages", () => {
  it("signs a tablet in with the venue key into an HttpOnly session cookie, never putting the key in the page", async () => {
    const { venues } = await coalition(1);
    const blank = await call("GET", "/kiosk", { token: null });
    expect(blank.json).toContain('name="venueKey"');
    const { response, setCookie, cookie } = await signKioskIn(venues[0].key);
    expect([response.status, response.headers.get("Location")]).toEqual([303, "/kiosk"]);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Secure/i);
    const screen = await call("GET", "/kiosk", { token: null, headers: { Cookie: cookie } });
    expect(screen.json).toContain("Venue 0");
    expect(screen.json).toContain("/assets/kiosk.js");
    expect(screen.json).not.toContain(venues[0].key);
    const wrong = await signKioskIn("vk_not_a_real_key");
    expect(wrong.response.status).toBe(401);
    expect(wrong.response.json).toContain("unknown or was revoked");
    const forged = await call("POST", "/kiosk/sign-in", { token: null, rawBody: new URLSearchParams({ venueKey: venues[0].key }).toString(), headers: formHeaders("https://evil.example") });
    expect(forged.status).toBe(403);
  });

  it("acts as its venue through the API with the cookie: same-origin writes only, and ends when the key is revoked", async () => {
    const { program, venues } = await coalition(1);
    const memberId = await enroll(venues[0].key, `kiosk-${crypto.randomUUID()}`, { email: "Kiosk.Guest@example.com" });
    const { cookie } = await signKioskIn(venues[0].key);
    const found = await call("GET", `/v1/programs/${program.id}/members?email=kiosk.guest@example.com`, { token: null, headers: { Cookie: cookie } });
    expect(found.json.members.map((member: { id: string }) => member.id)).toEqual([memberId]);
    const body = { memberId, amountCents: 2500, occurredAt: new Date().toISOString() };
    const posted = await call("POST", "/v1/purchases", { token: null, body, headers: { Cookie: cookie, Origin: appOrigin, "Idempotency-Key": newKey() } });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ venueId: venues[0].id, status: "pending" });
    const crossSite = await call("POST", "/v1/purchases", { token: null, body, headers: { Cookie: cookie, Origin: "https://evil.example", "Idempotency-Key": newKey() } });
    expect([crossSite.status, crossSite.json.error.code]).toEqual([403, "cross_origin_refused"]);
    const link = await call("POST", `/v1/members/${memberId}/login-links`, { token: null, headers: { Cookie: cookie, Origin: appOrigin } });
    expect(link.status).toBe(201);
    const operatorOnly = await call("GET", "/v1/programs", { token: null, headers: { Cookie: cookie } });
    expect(operatorOnly.status).toBe(401);
    const keys = await call("GET", `/v1/venues/${venues[0].id}/keys`);
    const keyId = keys.json.keys[0].id;
    expect((await call("DELETE", `/v1/venues/${venues[0].id}/keys/${keyId}`)).status).toBeLessThan(300);
    const after = await call("GET", `/v1/programs/${program.id}/members?email=kiosk.guest@example.com`, { token: null, headers: { Cookie: cookie } });
    expect([after.status, after.json.error.code]).toEqual([401, "kiosk_signed_out"]);
    const out = await call("POST", "/kiosk/sign-out", { token: null, headers: { Cookie: cookie, ...formHeaders() } });
    expect(out.headers.get("Set-Cookie")).toMatch(/^__Host-loyalty_kiosk=;/);
  });

  it("refuses a sign-in form over the body limit with a 413 page, without reading a streamed one in full", async () => {
    const { venues } = await coalition(1);
    const padded = new URLSearchParams({ venueKey: venues[0].key, padding: "x".repeat(requestBytesMax) }).toString();
    const big = await call("POST", "/kiosk/sign-in", { token: null, rawBody: padded, headers: formHeaders() });
    expect(big.status).toBe(413);
    expect(big.headers.get("Content-Type")).toContain("text/html");
    expect(big.json).toContain(`limited to ${requestBytesMax} bytes`);
    expect(big.headers.get("Set-Cookie")).toBeNull();
    let chunksRead = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunksRead++;
        controller.enqueue(new TextEncoder().encode(`padding=${"x".repeat(1024 * 1024)}&`));
      },
    });
    const streamed = await exports.default.fetch("https://loyalty.test/kiosk/sign-in", { method: "POST", body: endless, headers: formHeaders(), redirect: "manual" });
    expect(streamed.status).toBe(413);
    expect(chunksRead).toBeLessThan(3);
  });
});
