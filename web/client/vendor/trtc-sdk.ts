/**
 * Tencent's TRTC web SDK (npm `trtc-sdk-v5`), built by scripts/build-web.mjs into its own asset,
 * /assets/trtc-sdk.js. The AMA room page imports it only when a member presses "Join audio"
 * (web/client/lib/room-audio.ts): at about 250 KB gzipped it is six times the room page's own code.
 */
export { default } from "trtc-sdk-v5";
