import { DurableObject } from "cloudflare:workers";
import { type TrtcPresenceEvent, presenceEventKey } from "../../domain/rooms/presence-events";
import { applyRoomSchema } from "./room-schema";

/**
 * One object per live AMA room (issue 21; its name is the AMA id, which is also the TRTC room id,
 * always a string). It holds the room's live state and writes every change to its own SQLite
 * storage in the same turn, so an eviction or a restart loses nothing.
 */
export class Room extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => applyRoomSchema(ctx.storage.sql));
  }

  /** Records a TRTC presence callback once by its natural id; a retried callback answers `recorded: false`. */
  async trtcEvent(event: TrtcPresenceEvent, receivedAtMs = Date.now()): Promise<{ recorded: boolean }> {
    const inserted = this.ctx.storage.sql
      .exec(
        "INSERT INTO trtc_events (event_key, event_type, user_id, at_ms, reason, role, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING event_key",
        presenceEventKey(event),
        event.eventType,
        event.userId,
        event.atMs,
        event.reason,
        event.role,
        receivedAtMs,
      )
      .toArray();
    return { recorded: inserted.length > 0 };
  }
}
