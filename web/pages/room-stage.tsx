import type { RoomView } from "../../domain/rooms/frames";
import { type AttendanceFigure, amaStatusWords, attendanceWords, memberLabel, ordinal } from "../words/room-words";

/**
 * The live part of the AMA room page: status, stage, queue, your place and attendance. One
 * component for both sides: the Worker renders it with hono/jsx for the first paint, and the room's
 * client script renders the same component with hono/jsx/dom as frames arrive, so the two never
 * drift. It holds no handlers: buttons carry `data-action` (and `data-member-id`), and the script
 * listens once on the container.
 */
export type RoomStageProps = {
  view: RoomView;
  me: string;
  attendance: AttendanceFigure | null;
  /** Buttons stay disabled until the room's socket is open: a click before then would go nowhere. */
  connected: boolean;
};

/** `whom` names the member a host button acts on; its accessible name starts with the visible word (WCAG 2.5.3). */
type ActionProps = { action: string; memberId?: string; whom?: string; kind?: "secondary" | "danger"; connected: boolean; children: string };

function Action({ action, memberId, whom, kind, connected, children }: ActionProps) {
  return (
    <button type="button" class={kind} data-action={action} data-member-id={memberId} aria-label={whom ? `${children} ${whom}` : undefined} disabled={!connected}>
      {children}
    </button>
  );
}

export function RoomStage({ view, me, attendance, connected }: RoomStageProps) {
  const isHost = me === view.hostId;
  const live = view.status === "live";
  const place = view.queue.findIndex((entry) => entry.memberId === me);
  const invited = view.promoted.some((entry) => entry.memberId === me);
  const onStage = invited || view.speakers.some((speaker) => speaker.memberId === me);
  const label = (memberId: string) => memberLabel(memberId, me);
  return (
    <>
      <section class="card" aria-labelledby="stage-heading">
        <div class="row">
          <h2 id="stage-heading">On stage</h2>
          <span class={`badge ${live ? "good" : ""}`} data-testid="room-status">
            {amaStatusWords[view.status]}
          </span>
        </div>
        <p class="muted" data-testid="present-count">
          {view.presentCount === 1 ? "1 person here" : `${view.presentCount.toLocaleString("en-US")} people here`}
        </p>
        <ul class="plain" data-testid="speakers">
          <li class="row" data-member-id={view.hostId}>
            <span>
              {label(view.hostId)} <span class="badge">Host</span>
            </span>
          </li>
          {view.speakers.map((speaker) => (
            <li class="row" data-member-id={speaker.memberId}>
              <span>
                {label(speaker.memberId)} {speaker.muted && <span class="badge bad">Muted</span>}
              </span>
              {isHost && (
                <span class="actions">
                  <Action action={speaker.muted ? "unmute" : "mute"} memberId={speaker.memberId} whom={label(speaker.memberId)} kind="secondary" connected={connected}>
                    {speaker.muted ? "Unmute" : "Mute"}
                  </Action>
                  <Action action="demote" memberId={speaker.memberId} whom={label(speaker.memberId)} kind="secondary" connected={connected}>
                    Demote
                  </Action>
                  <Action action="remove" memberId={speaker.memberId} whom={label(speaker.memberId)} kind="danger" connected={connected}>
                    Remove
                  </Action>
                </span>
              )}
            </li>
          ))}
          {view.promoted.map((entry) => (
            <li class="row" data-member-id={entry.memberId} data-testid="promoted">
              <span>
                {label(entry.memberId)} <span class="badge good">Invited to speak</span>
              </span>
              {isHost && (
                <Action action="demote" memberId={entry.memberId} whom={label(entry.memberId)} kind="secondary" connected={connected}>
                  Withdraw
                </Action>
              )}
            </li>
          ))}
        </ul>
        {isHost && (
          <div class="row">
            {view.status === "scheduled" && (
              <Action action="start" connected={connected}>
                Start the AMA
              </Action>
            )}
            {live && (
              <Action action="end" kind="danger" connected={connected}>
                End the AMA
              </Action>
            )}
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Raised hands ({view.queue.length})</h2>
        {view.queue.length === 0 ? (
          <p class="muted">{live ? "No hands are raised." : "Hands open when the AMA is live."}</p>
        ) : (
          <ol class="queue" data-testid="queue">
            {view.queue.map((entry) => (
              // A flex <li> would lose its number: the row sits inside the list item.
              <li data-member-id={entry.memberId}>
                <div class="row">
                  <span>{label(entry.memberId)}</span>
                  {isHost && (
                    <Action action="promote" memberId={entry.memberId} whom={label(entry.memberId)} connected={connected}>
                      Promote
                    </Action>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
        {!isHost && (
          <p data-testid="your-place">
            {place >= 0
              ? `Your hand is up: you are ${ordinal(place + 1)} in the queue.`
              : invited
                ? "The host invited you to speak: join audio within a minute to take the stage."
                : onStage
                  ? "You are on the stage."
                  : "Your hand is not raised."}
          </p>
        )}
        {!isHost && live && !onStage && (
          <div class="row">
            {place >= 0 ? (
              <Action action="lower_hand" kind="secondary" connected={connected}>
                Lower hand
              </Action>
            ) : (
              <Action action="raise_hand" connected={connected}>
                Raise hand
              </Action>
            )}
          </div>
        )}
      </section>
      {attendance && (
        <section class="card" aria-labelledby="attendance-heading">
          <h2 id="attendance-heading">Your attendance</h2>
          <p data-testid="attendance">{attendanceWords(attendance).minutes}</p>
          <p class="muted">{attendanceWords(attendance).credit}</p>
        </section>
      )}
    </>
  );
}
