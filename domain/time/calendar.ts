import { addMonths } from "date-fns";

// Building an Intl.DateTimeFormat costs far more than using one, and purchases need one each: keep
// one per time zone (a bounded set: IANA has about 600 names).
const formattersMax = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" });
    if (formatters.size >= formattersMax) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Year and month (1-12) of an instant as seen in a time zone. */
export function yearMonthIn(timeZone: string, at: Date): { year: number; month: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: value("year"), month: value("month") };
}

/** Calendar date (YYYY-MM-DD) and weekday (0 = Sunday) of an instant in a time zone. */
export function dayIn(timeZone: string, at: Date): { date: string; weekday: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
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
