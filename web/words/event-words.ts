/** How the event pages say seats, waitlist places and milestones. Shared by the server render and the event's client script: no server imports. */
import { ordinal } from "./room-words";

export const eventStatusWords = { upcoming: "Upcoming", live: "Live now", ended: "Ended" } as const;

export type MyRegistration = { status: "registered"; seat: "regular" | "overflow" } | { status: "waitlisted"; position: number } | { status: "none" } | { status: "host" };

export function registrationWords(registration: MyRegistration): string {
  switch (registration.status) {
    case "host":
      return "You host this event.";
    case "registered":
      return registration.seat === "overflow" ? "You are registered, in a DIAMOND overflow seat." : "You are registered.";
    case "waitlisted":
      return `You are ${ordinal(registration.position)} on the waitlist. A seat that frees up goes to the next member at once.`;
    case "none":
      return "You are not registered.";
  }
}

export type SeatCounts = { capacity: number; overflowSeats: number; registered: number; overflow: number; waitlisted: number };

export function seatWords(counts: SeatCounts): string {
  const overflow = counts.overflowSeats > 0 ? ` · ${counts.overflow} of ${counts.overflowSeats} DIAMOND overflow seats` : "";
  return `${counts.registered} of ${counts.capacity} seats taken${overflow} · ${counts.waitlisted} waiting`;
}

export function presentWords(presentMs: number): string {
  const minutes = Math.floor(presentMs / 60_000);
  return `You have been here ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/** "Attendance points at 10, 30 and 60 minutes; paid so far: 10." */
export function milestoneWords(milestones: readonly { minutes: number; status: string }[]): string {
  if (milestones.length === 0) return "";
  const at = milestones.map((milestone) => milestone.minutes);
  const paid = milestones.filter((milestone) => milestone.status === "paid").map((milestone) => milestone.minutes);
  const list = (values: number[]) => (values.length <= 1 ? values.join("") : `${values.slice(0, -1).join(", ")} and ${values[values.length - 1]}`);
  return `Attendance points at ${list(at)} minutes present${paid.length > 0 ? `; paid so far: ${list(paid)}` : ""}.`;
}
