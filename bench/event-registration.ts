import { benchClient } from "./client";
import { loadBracketed, startWorker } from "./harness";
import { roomMembers } from "./room-members";

/** Registrations sent at once, all in flight together, and the seats of the event they race for. */
const burst = 500;
const capacity = 100;

/**
 * The events group (issue 22): 500 members register for one event of 100 seats at the same instant,
 * through a private `wrangler dev` (APP_ORIGIN is its own address: the members' cookie writes send it
 * as their Origin). Every registration lands on the one Event actor, the single writer; the figure is
 * the burst's p99 ÷ the p99 of a 500-request no-op burst run before and after it. The answers must
 * be exact: 100 seats and 400 on the waitlist (the members are BRONZE, so the 10 DIAMOND overflow
 * seats stay free).
 */
export async function eventRegistrationFigures(options: { concurrency: number }) {
  const worker = await startWorker((url) => ({ APP_ORIGIN: url }));
  try {
    const client = await benchClient(worker.url);
    const { programId, host, listeners } = await roomMembers(client, burst, options.concurrency);
    const headers = (cookie: string) => ({ "Content-Type": "application/json", Cookie: cookie, Origin: worker.url });
    const created = await client.post(
      `/v1/programs/${programId}/events`,
      { title: "Bench event", startsAt: new Date(Date.now() + 3_600_000).toISOString(), lengthMinutes: 60, capacity, minTier: "BRONZE", hasAudio: false },
      { ...headers(host.cookie), "Idempotency-Key": "bench-event" },
    );
    if (created.status !== 201) throw new Error(`events setup: creating the event answered ${created.status} ${JSON.stringify(created.json)}`);
    const eventId: string = created.json.id;
    const { baseline, measured } = await loadBracketed(burst, burst, client.noop, async (index) => {
      const answer = await client.post(`/v1/events/${eventId}/registration`, {}, headers(listeners[index].cookie));
      return answer.status === 200 ? answer.json.registration.status : `${answer.status} ${answer.json?.error?.code ?? ""}`;
    });
    const registered = measured.outcomes.registered?.count ?? 0;
    const waitlisted = measured.outcomes.waitlisted?.count ?? 0;
    const exact = registered === capacity && waitlisted === burst - capacity;
    const entry = {
      p99VsNoopBurst: measured.p99Ms / baseline.p99Ms,
      registrationP99Ms: measured.p99Ms,
      registrationP50Ms: measured.p50Ms,
      noopP99Ms: baseline.p99Ms,
      registrationsPerSecond: measured.perSecond,
      outcomes: Object.fromEntries(Object.entries(measured.outcomes).map(([outcome, stats]) => [outcome, stats.count])),
      exact,
    };
    console.log("\nfigure                                   value   (context)");
    console.log(
      `${"event registration burst p99 ÷ no-op".padEnd(40)} ${entry.p99VsNoopBurst.toFixed(2)}    ${burst} at once: p99 ${measured.p99Ms.toFixed(0)} ms vs no-op p99 ${baseline.p99Ms.toFixed(0)} ms, p50 ${measured.p50Ms.toFixed(0)} ms, ${JSON.stringify(entry.outcomes)}${exact ? "" : "  ✗ NOT EXACT"}`,
    );
    return { result: entry, failures: burst - registered - waitlisted, exact };
  } finally {
    worker.stop();
  }
}
