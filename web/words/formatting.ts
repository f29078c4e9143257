/** How the pages write numbers, money and times: in the member's (or venue's) locale-neutral English and time zone. */

export function points(value: number): string {
  return `${value.toLocaleString("en-US")} ${Math.abs(value) === 1 ? "point" : "points"}`;
}

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: cents % 100 === 0 ? 0 : 2 }).format(cents / 100);
}

/** "Fri 28 Nov, 14:05" in the given IANA time zone. */
export function dateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

/** "28 Nov 2026" in the given IANA time zone. */
export function date(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
}
