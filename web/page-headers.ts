import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../workers/app-env";
import { sessionCookieBase } from "../workers/sessions/session-cookie";
import { kioskCookieBase } from "../workers/sessions/kiosk-session";

/**
 * The pages' Content-Security-Policy: scripts only from our own /assets (no inline script, no
 * eval), styles and images from ourselves (QR codes are inline SVG, never a data: script), calls
 * only to this origin, forms only to this origin, and no site may frame a page (clickjacking a
 * Redeem or Sign out button).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** A member's or a kiosk's session cookie under either name (`__Host-` on https); only whether one is sent matters here. */
const sessionCookiePattern = new RegExp(`(^|;\\s*)(__Host-)?(${sessionCookieBase}|${kioskCookieBase})=`);

/** /docs is the API reference (Scalar), whose page configures itself with an inline script: it is only kept out of frames. */
const referencePath = "/docs";

/**
 * Security headers for every answer: no Referer leaves the site (a login link or a code page's
 * address stays ours), no content sniffing. Pages also get the CSP above, and `no-store` (every
 * page is per visitor: balances, codes, a kiosk's screen), as does any answer to a request that
 * carries a member's or a kiosk's session cookie, so no shared device keeps a copy in its cache.
 */
export const pageHeaders: MiddlewareHandler<AppEnv> = async function pageHeaders(c, next) {
  await next();
  // A WebSocket upgrade (rooms) is answered as it is: copying a 101 response to add headers could drop its socket.
  if (c.res.status === 101) return;
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Content-Type-Options", "nosniff");
  const isPage = (c.res.headers.get("Content-Type") ?? "").startsWith("text/html");
  if (isPage) c.header("Content-Security-Policy", c.req.path === referencePath ? "frame-ancestors 'none'" : contentSecurityPolicy);
  const signedIn = sessionCookiePattern.test(c.req.header("Cookie") ?? "");
  if ((isPage && c.req.path !== referencePath) || signedIn) c.header("Cache-Control", "no-store");
};
