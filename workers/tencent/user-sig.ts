import { Api } from "tls-sig-api-v2";

/**
 * TRTC credentials for the browser (issue 21), issued with Tencent's own `tls-sig-api-v2` (it uses
 * node:crypto and node:zlib, which the `nodejs_compat` flag provides). The secret key signs; it never
 * leaves the Worker. A UserSig lets a user id use TRTC at all; a PrivateMapKey narrows that to one
 * room and a set of privileges (enforced once "room permissions" is switched on in Tencent's console).
 */
export type TrtcConfig = { sdkAppId: number; secretKey: string };

/** Short lives: a leaked UserSig is worth little, and the page asks for a fresh one when it rejoins. */
export const userSigSecondsDefault = 2 * 60 * 60;
/** A PrivateMapKey is only checked on room entry, so 10 minutes covers joining; a promotion issues a new one. */
export const privateMapKeySecondsDefault = 10 * 60;

/**
 * Tencent's privilege bits (tls-sig-api-v2's genPrivateMapKey doc): 1 create room, 2 enter room,
 * 4 send audio, 8 receive audio, 16 send video, 32 receive video, 64 send / 128 receive screen share.
 * A listener enters and hears; a speaker also talks. Nobody here gets video or "create": the room must
 * already exist (the host's client creates it on entry, with its own speaker key plus create).
 */
export const trtcPrivilegeBits = { createRoom: 1, enterRoom: 2, sendAudio: 4, receiveAudio: 8 } as const;
export const trtcPrivileges = {
  listener: trtcPrivilegeBits.enterRoom | trtcPrivilegeBits.receiveAudio,
  speaker: trtcPrivilegeBits.enterRoom | trtcPrivilegeBits.receiveAudio | trtcPrivilegeBits.sendAudio,
} as const;
export type TrtcRole = keyof typeof trtcPrivileges;

// Tencent's limits: a user id is ≤ 32 of [A-Za-z0-9_-]; a string room id ≤ 64 printable ASCII characters.
// The package copies ids byte by byte with charCodeAt, so anything outside ASCII would be signed garbled.
const userIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const roomIdPattern = /^[\x21-\x7e]{1,64}$/;
const expireSecondsMax = 7 * 24 * 60 * 60;

/** Reads the TRTC config from the Worker's env; a missing or non-numeric app id is a deployment bug. */
export function trtcConfigFromEnv(env: Pick<Env, "TRTC_SDK_APP_ID" | "TRTC_SECRET_KEY">): TrtcConfig {
  const sdkAppId = Number(env.TRTC_SDK_APP_ID);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new Error("TRTC_SDK_APP_ID must be the numeric SDKAppID from Tencent's console");
  if (!env.TRTC_SECRET_KEY) throw new Error("TRTC_SECRET_KEY is not set; add it with `wrangler secret put TRTC_SECRET_KEY` (or .dev.vars)");
  return { sdkAppId, secretKey: env.TRTC_SECRET_KEY };
}

/** A UserSig for `userId`, valid `expireSeconds` from now. */
export function trtcUserSig(config: TrtcConfig, userId: string, expireSeconds = userSigSecondsDefault): string {
  assertIds(userId, null, expireSeconds);
  return new Api(config.sdkAppId, config.secretKey).genUserSig(userId, expireSeconds);
}

/**
 * A PrivateMapKey for `userId` in the string room `roomId` (TRTC treats room 123 and room "123" as two
 * rooms; every room here is a string, so this is always the string-room variant).
 */
export function trtcPrivateMapKey(
  config: TrtcConfig,
  userId: string,
  roomId: string,
  privileges: TrtcRole,
  expireSeconds = privateMapKeySecondsDefault,
): string {
  assertIds(userId, roomId, expireSeconds);
  return new Api(config.sdkAppId, config.secretKey).genPrivateMapKeyWithStringRoomID(userId, expireSeconds, roomId, trtcPrivileges[privileges]);
}

function assertIds(userId: string, roomId: string | null, expireSeconds: number): void {
  if (!userIdPattern.test(userId)) throw new RangeError(`TRTC user id ${JSON.stringify(userId)} must be 1–32 of A–Z, a–z, 0–9, _ and -`);
  if (roomId !== null && !roomIdPattern.test(roomId)) throw new RangeError(`TRTC room id ${JSON.stringify(roomId)} must be 1–64 printable ASCII characters`);
  if (!Number.isSafeInteger(expireSeconds) || expireSeconds <= 0 || expireSeconds > expireSecondsMax) {
    throw new RangeError(`TRTC credentials expire after 1 s to 7 days; got ${expireSeconds} s`);
  }
}
