import type TRTC from "trtc-sdk-v5";
import { ApiFailure, callApi } from "./api";

/**
 * Tencent's TRTC web SDK (npm `trtc-sdk-v5`), bundled on its own (web/client/vendor/trtc-sdk.ts) and
 * fetched only when a member presses "Join audio": about 250 KB gzipped, six times this page's own code,
 * so it never sits in the first load. Where Tencent is out of reach (tests, `npm start`, a closed
 * network) the SDK loads but cannot enter the room, and the page says audio is unavailable.
 */
const sdkUrl = "/assets/trtc-sdk.js";
/**
 * Entering a TRTC room takes a second or two; past this the page stops waiting and says so. With no
 * route to Tencent the SDK gives up by itself sooner: its scheduling requests fail on DNS and, after
 * its retries, enterRoom rejects in about 5 s (measured with 5.17.1 in Chromium, offline).
 */
const enterTimeoutMs = 8_000;

type JoinAnswer = { roomId: string; sdkAppId: number; userId: string; userSig: string; privateMapKey: string; role: "host" | "speaker" | "listener" };
type TrtcModule = { default: typeof TRTC };

export type AudioOutcome = { ok: true; talking: boolean; leave(): Promise<void> } | { ok: false; message: string };

const unavailable = "Audio is unavailable here: this site cannot reach Tencent's audio service. The stage, the queue and your attendance still work.";
const eventAudioUnavailable = "Audio is unavailable here: this site cannot reach Tencent's audio service. Questions, polls and your attendance still work.";
const noMicrophone = "Audio needs your microphone to let you talk: allow this site to use it in your browser, then reload the page and join audio again.";

/** Enters the AMA's TRTC room: a listener hears, the host and speakers also talk. */
export async function joinAudio(amaId: string): Promise<AudioOutcome> {
  let join: JoinAnswer;
  try {
    join = await callApi<JoinAnswer>("POST", `/v1/amas/${encodeURIComponent(amaId)}/join`);
  } catch (error) {
    return { ok: false, message: error instanceof ApiFailure ? error.message : unavailable };
  }
  return enterAudio(join);
}

type EventJoinAnswer = { role: "host" | "attendee"; audio: Omit<JoinAnswer, "role"> | null };

/** Enters a live event's TRTC room: the host talks, attendees listen. */
export async function joinEventAudio(eventId: string): Promise<AudioOutcome> {
  let join: EventJoinAnswer;
  try {
    join = await callApi<EventJoinAnswer>("POST", `/v1/events/${encodeURIComponent(eventId)}/join`);
  } catch (error) {
    return { ok: false, message: error instanceof ApiFailure ? error.message : eventAudioUnavailable };
  }
  if (!join.audio) return { ok: false, message: "This event has no audio." };
  return enterAudio({ ...join.audio, role: join.role === "host" ? "host" : "listener" }, eventAudioUnavailable);
}

/** The string room id is passed as strRoomId (TRTC's 123 and "123" are different rooms). */
async function enterAudio(join: JoinAnswer, unavailableMessage = unavailable): Promise<AudioOutcome> {
  let sdk: typeof TRTC;
  try {
    sdk = ((await import(/* the SDK is a separate asset, loaded on demand */ sdkUrl)) as TrtcModule).default;
  } catch {
    return { ok: false, message: unavailableMessage };
  }
  const talking = join.role !== "listener";
  let client: TRTC | null = null;
  try {
    client = sdk.create();
    const entered = client.enterRoom({
      strRoomId: join.roomId,
      sdkAppId: join.sdkAppId,
      userId: join.userId,
      userSig: join.userSig,
      privateMapKey: join.privateMapKey,
      scene: sdk.TYPE.SCENE_LIVE,
      role: talking ? sdk.TYPE.ROLE_ANCHOR : sdk.TYPE.ROLE_AUDIENCE,
      // The SDK's own "click to resume playback" dialog injects a <style> the page's CSP refuses. The member
      // has just clicked "Join audio", so playback is allowed; if a browser still blocks it, the SDK resumes on the next click.
      enableAutoPlayDialog: false,
    });
    await withTimeout(entered, enterTimeoutMs);
  } catch {
    if (client) await leave(client);
    return { ok: false, message: unavailableMessage };
  }
  try {
    if (talking) await client.startLocalAudio();
  } catch {
    // Tencent was reached; the browser refused the microphone (permission denied, or no device).
    await leave(client);
    return { ok: false, message: noMicrophone };
  }
  const joined = client;
  return { ok: true, talking, leave: () => leave(joined) };
}

/** Leaves the room and releases the microphone (exitRoom alone keeps capturing it) and the client. Never throws: a failed exit is still an exit for the page. */
async function leave(client: TRTC): Promise<void> {
  await client.stopLocalAudio().catch(() => undefined);
  await client.exitRoom().catch(() => undefined);
  try {
    client.destroy();
  } catch {
    // Already destroyed, or never entered: nothing left to release.
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Tencent within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
