import type { RoomView } from "../../domain/rooms/frames";
import { Layout } from "../layout";
import type { ProgramFacts } from "../member-data";
import { dateTime } from "../words/formatting";
import { type AttendanceFigure, memberLabel } from "../words/room-words";
import { memberNav } from "./member-nav";
import { RoomStage } from "./room-stage";

type AmaRoomProps = {
  program: ProgramFacts;
  timezone: string;
  me: string;
  ama: { id: string; title: string; startsAt: string; plannedMinutes: number; hostMemberId: string };
  room: { seq: number; state: RoomView };
  attendance: AttendanceFigure | null;
};

/**
 * An AMA's room. The server renders the room as it is at `room.seq`; the ama-room script then
 * keeps it live from the room's socket (resuming from that sequence number), and joins audio
 * only when asked. An ended AMA loads no script: nothing in it changes any more.
 */
export function AmaRoomPage({ program, timezone, me, ama, room, attendance }: AmaRoomProps) {
  const ended = room.state.status === "ended";
  return (
    <Layout title={`${ama.title}: ${program.name} AMA`} nav={memberNav("/amas", true)} scripts={ended ? [] : ["ama-room"]}>
      <section class="card" aria-labelledby="ama-title">
        <h1 id="ama-title">{ama.title}</h1>
        <p class="muted">
          {dateTime(ama.startsAt, timezone)} · {ama.plannedMinutes} min · hosted by {ama.hostMemberId === me ? "you" : memberLabel(ama.hostMemberId, me)}
        </p>
        {!ended && (
          <>
            <p class="notice info" id="room-connection" role="status" aria-live="polite">
              Connecting to the room…
            </p>
            <noscript>
              <p class="notice error">The live room needs JavaScript: without it this page shows the room as it was when you opened it.</p>
            </noscript>
          </>
        )}
        <p class="notice" id="room-notice" role="status" aria-live="polite"></p>
      </section>
      <div
        id="room-live"
        class="room-live"
        data-ama-id={ama.id}
        data-me={me}
        data-seq={String(room.seq)}
        data-state={JSON.stringify(room.state)}
        data-attendance={attendance ? JSON.stringify(attendance) : undefined}
      >
        <RoomStage view={room.state} me={me} attendance={attendance} connected={false} />
      </div>
      {!ended && (
        <section class="card" aria-labelledby="audio-heading">
          <h2 id="audio-heading">Audio</h2>
          <p class="muted">The stage and the queue work without audio. Audio loads only when you join it.</p>
          <button type="button" class="secondary" id="join-audio">
            Join audio
          </button>
          <p class="notice" id="audio-status" role="status" aria-live="polite"></p>
        </section>
      )}
    </Layout>
  );
}
