import { env } from "cloudflare:workers";
import { communityMember } from "./community";

/** A Room actor scheduled for an AMA that started now, hosted by `mem_host`, in a fresh community program. */
export async function scheduledRoom() {
  const { context } = await communityMember("UTC");
  const amaId = `ama_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const room = env.ROOM.getByName(amaId);
  await room.schedule({ amaId, program: context, hostMemberId: "mem_host", startsAtMs: Date.now(), plannedMs: 3_600_000, speakerCap: 8 });
  return { amaId, room };
}
