import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TrtcPresenceEvent } from "../../domain/rooms/presence-events";

describe("the Room actor's TRTC presence record", () => {
  it("records a presence callback once by its natural id, however often TRTC retries it", async () => {
    const room = env.ROOM.getByName(`ama_${crypto.randomUUID()}`);
    const enter: TrtcPresenceEvent = { eventType: 103, roomId: "ama_1", userId: "u_1", atMs: 1_796_400_000_000, reason: null, role: 21 };
    expect(await room.trtcEvent(enter)).toEqual({ recorded: true });
    expect(await room.trtcEvent(enter)).toEqual({ recorded: false });
    expect(await room.trtcEvent({ ...enter, eventType: 104, atMs: enter.atMs + 60_000, reason: 1 })).toEqual({ recorded: true });
  });
});
