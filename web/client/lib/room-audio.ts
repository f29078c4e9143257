import { ApiFailure, callApi } from "./api";

/**
 * Where Tencent's TRTC web SDK (npm `trtc-sdk-v5`) would be served from: its own asset, fetched only
 * when a member presses "Join audio", never in the page's first load. This build does not ship it
 * (it is large, and tests and `npm start` have no Tencent servers), so the import fails and the page
 * says audio is unavailable here. A deployment that adds the SDK bundles it to this path and lets
 * the CSP's connect-src reach Tencent's servers.
 */
const sdkUrl = "/assets/trtc-sdk.js";
/** Entering a TRTC room takes a second or two; past this the page stops waiting and says so. */
const enterTimeoutMs = 10_000;

type JoinAnswer = { roomId: string; sdkAppId: number; userId: string; userSig: string; privateMapKey: string; role: "host" | "speaker" | "listener" };
/** The part of TRTC v5's client the page uses. */
type TrtcClient = {
  enterRoom(options: { strRoomId: string; sdkAppId: number; userId: string; userSig: string; privateMapKey: string; scene: "live"; role: "anchor" | "audience" }): Promise<void>;
  startLocalAudio(): Promise<void>;
  exitRoom(): Promise<void>;
};
type TrtcModule = { default: { create(): TrtcClient } };

export type AudioOutcome = { ok: true; talking: boolean; leave(): Promise<void> } | { ok: false; message: string };

const unavailable = "Audio is unavailable here: this site cannot reach Tencent's audio service. The stage, the queue and your attendance still work.";
const eventAudioUnavailable = "Audio is unavailable here: this site cannot reach Tencent's audio service. Questions, polls and your attendance still work.";

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
  let sdk: TrtcModule;
  try {
    sdk = (await import(/* the SDK is a separate asset, loaded on demand */ sdkUrl)) as TrtcModule;
  } catch {
    return { ok: false, message: unavailableMessage };
  }
  const client = sdk.default.create();
  const talking = join.role !== "listener";
  try {
    const entered = client.enterRoom({ strRoomId: join.roomId, sdkAppId: join.sdkAppId, userId: join.userId, userSig: join.userSig, privateMapKey: join.privateMapKey, scene: "live", role: talking ? "anchor" : "audience" });
    await Promise.race([entered, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), enterTimeoutMs))]);
    if (talking) await client.startLocalAudio();
  } catch {
    await client.exitRoom().catch(() => undefined);
    return { ok: false, message: unavailableMessage };
  }
  return { ok: true, talking, leave: () => client.exitRoom() };
}
