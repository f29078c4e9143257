import type { RoomEvent } from "../../domain/rooms/frames";
import { type TrtcApiEnv, setUserBlocked } from "../../workers/tencent/trtc-api";

/** Calls per delivery run (TencentCloud allows about 20 a second; alarms stay short). */
const callBatchMax = 20;
/** A call TencentCloud keeps refusing is given up after this many tries, kept with its last failure for an operator. */
export const trtcCallAttemptsMax = 10;

/** Whether a room change must reach TRTC: who must be blocked from sending audio, or unblocked. */
function blockFor(event: RoomEvent): { userId: string; muted: boolean } | null {
  switch (event.type) {
    case "speaker_demoted":
    case "member_removed":
      return { userId: event.memberId, muted: true };
    case "speaker_muted":
      return { userId: event.memberId, muted: event.muted };
    case "speaker_promoted":
      return { userId: event.memberId, muted: false };
    default:
      return null;
  }
}

/** Records the TRTC calls these changes need, in the turn that makes them. */
export function owedTrtcCalls(sql: SqlStorage, events: readonly RoomEvent[], nowMs: number): boolean {
  let owed = false;
  for (const event of events) {
    const block = blockFor(event);
    if (!block) continue;
    sql.exec("INSERT INTO trtc_calls (user_id, muted, created_at_ms) VALUES (?, ?, ?)", block.userId, block.muted ? 1 : 0, nowMs);
    owed = true;
  }
  return owed;
}

export function hasOwedTrtcCalls(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 AS owed FROM trtc_calls WHERE attempts < ? LIMIT 1", trtcCallAttemptsMax).toArray().length > 0;
}

type CallRow = { id: number; user_id: string; muted: number };

/**
 * Delivers owed calls in order; one that fails stops the run (a later unmute must not overtake an
 * earlier mute) and is retried from the alarm. Answers whether nothing is left to deliver.
 */
export async function deliverTrtcCalls(sql: SqlStorage, env: TrtcApiEnv, roomId: string): Promise<boolean> {
  const rows = sql.exec<CallRow>("SELECT id, user_id, muted FROM trtc_calls WHERE attempts < ? ORDER BY id LIMIT ?", trtcCallAttemptsMax, callBatchMax).toArray();
  for (const row of rows) {
    const result = await setUserBlocked(env, { roomId, userId: row.user_id, muted: row.muted === 1 });
    if (result.ok) {
      sql.exec("DELETE FROM trtc_calls WHERE id = ?", row.id);
      continue;
    }
    sql.exec("UPDATE trtc_calls SET attempts = attempts + 1, last_failure = ? WHERE id = ?", JSON.stringify(result), row.id);
    return false;
  }
  return !hasOwedTrtcCalls(sql);
}
