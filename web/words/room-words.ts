/** How the AMA pages name members, statuses and attendance. Shared by the server render and the room's client script: no server imports. */

export const amaStatusWords = { scheduled: "Scheduled", live: "Live now", ended: "Ended" } as const;

/**
 * A member as the room shows them. Members have no display names yet: a short form of the id
 * (`mem_3k9x0c7w…` → "Member 3k9x0c") tells people apart; the page reader is "you".
 */
export function memberLabel(memberId: string, me: string): string {
  if (memberId === me) return "You";
  const short = memberId.replace(/^mem_/, "").slice(0, 6);
  return `Member ${short}`;
}

/** "1st", "2nd", "3rd", "11th", "22nd": a place in the queue. */
export function ordinal(place: number): string {
  const tens = place % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[place % 10] ?? "th";
  return `${place}${suffix}`;
}

export type AttendanceFigure = { attendedMs: number; thresholdMs: number; paid: boolean };

/** "You attended 3 of 15 minutes" and what that earns, in words. Whole minutes, rounded down: a partial minute has not been attended yet. */
export function attendanceWords(figure: AttendanceFigure): { minutes: string; credit: string } {
  const attended = Math.floor(figure.attendedMs / 60_000);
  const threshold = Math.ceil(figure.thresholdMs / 60_000);
  const minutes = `You attended ${Math.min(attended, threshold)} of ${threshold} minutes`;
  if (figure.paid) return { minutes, credit: "Your AMA attendance points were paid." };
  if (figure.attendedMs >= figure.thresholdMs) return { minutes, credit: "Enough to earn your attendance points: they are paid when the AMA ends." };
  return { minutes, credit: `Stay ${threshold - attended} more ${threshold - attended === 1 ? "minute" : "minutes"} with this page open to earn your attendance points.` };
}
