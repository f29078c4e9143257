import { addMonths } from "date-fns";

/** Year and month (1-12) of an instant as seen in a time zone. */
export function yearMonthIn(timeZone: string, at: Date): { year: number; month: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric" }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: value("year"), month: value("month") };
}

/** Calendar date (YYYY-MM-DD) and weekday (0 = Sunday) of an instant in a time zone. */
export function dayIn(timeZone: string, at: Date): { date: string; weekday: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" }).formatToParts(at);
  const value = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(value("weekday"));
  return { date: `${value("year")}-${value("month")}-${value("day")}`, weekday };
}

/** Months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function monthsAfter(at: Date, months: number): Date {
  return addMonths(at, months);
}

/** Whether `at` falls in the birthday's month (MM-DD) in the member's time zone. */
export function isBirthdayMonth(birthday: string | null, timeZone: string, at: Date): boolean {
  if (!birthday) return false;
  return Number(birthday.slice(0, 2)) === yearMonthIn(timeZone, at).month;
}
