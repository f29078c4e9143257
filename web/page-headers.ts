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
const directives = {
  "default-src": "'self'",
  "script-src": "'self'",
  "style-src": "'self'",
  "img-src": "'self' data:",
  "connect-src": "'self'",
  "font-src": "'self'",
  "object-src": "'none'",
  "base-uri": "'none'",
  "form-action": "'self'",
  "frame-ancestors": "'none'",
};
const policy = (overrides: Partial<typeof directives>) => Object.entries({ ...directives, ...overrides }).map(([name, value]) => `${name} ${value}`).join("; ");

export const contentSecurityPolicy = policy({});

/**
 * Where Tencent's TRTC web SDK (trtc-sdk-v5 5.17) connects: its scheduling servers (schedule.cloud-rtc.com
 * and .net; schedule.rtc-web.com and .io and intl-schedule.cloud-rtc.com outside China), the signalling
 * sockets scheduling hands out, and its log and quality reports (yun.tim.qq.com; apisgp.my-imcloud.com
 * outside China). Tencent's firewall list for the web SDK names these domains; media itself goes over
 * WebRTC, which connect-src does not govern.
 */
const tencentRtcSources = [
  "https://yun.tim.qq.com",
  "https://*.my-imcloud.com",
  ...["*.rtc.qq.com", "*.rtc.qcloud.com", "*.cloud-rtc.com", "*.cloud-rtc.net", "*.rtc-web.com", "*.rtc-web.io"].flatMap((host) => [`https://${host}`, `wss://${host}`]),
];

/**
 * The live pages' policy (an AMA room, a live event): the one above, plus what the TRTC SDK needs once a member joins audio.
 * It reaches Tencent (connect-src), and it loads its microphone level meter as an AudioWorklet from a
 * blob: URL it writes itself (worklets follow script-src; refused, the SDK falls back to the deprecated
 * ScriptProcessorNode on the page's main thread and logs errors). A blob: URL can only be made by a
 * script already running in the page, so no markup can use it. Only these pages get these.
 */
export const livePagePolicy = policy({ "script-src": "'self' blob:", "connect-src": ["'self'", ...tencentRtcSources].join(" ") });
const livePagePath = /^\/(amas|events)\/[^/]+$/;

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
  if (isPage) c.header("Content-Security-Policy", pagePolicy(c.req.path));
  const signedIn = sessionCookiePattern.test(c.req.header("Cookie") ?? "");
  if ((isPage && c.req.path !== referencePath) || signedIn) c.header("Cache-Control", "no-store");
};

function pagePolicy(path: string): string {
  if (path === referencePath) return "frame-ancestors 'none'";
  return livePagePath.test(path) ? livePagePolicy : contentSecurityPolicy;
}
