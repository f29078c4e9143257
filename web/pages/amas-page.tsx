import type { GateResult } from "../../domain/gates/evaluate-gate";
import type { Tier } from "../../domain/programs/program-config";
import { Layout, Notice } from "../layout";
import type { ProgramFacts } from "../member-data";
import { dateTime } from "../words/formatting";
import { missingInWords } from "../words/gate-words";
import { amaStatusWords } from "../words/room-words";
import { memberNav } from "./member-nav";

type AmaListing = { id: string; title: string; startsAt: string; plannedMinutes: number; status: "scheduled" | "live" | "ended" };

/** What the schedule form shows: its fresh key, and on a failed post what the member typed and what was wrong. */
export type ScheduleForm = { idempotencyKey: string; values: { title: string; startsAt: string; plannedMinutes: string; speakerCap: string }; errors: string[] };

type AmasProps = {
  program: ProgramFacts;
  timezone: string;
  amas: AmaListing[];
  /** The scheduleAma gate, as the member stands; null when the program has no such gate. */
  gate: GateResult | null;
  tiers: readonly Tier[];
  lifetimePoints: number;
  form: ScheduleForm;
};

export const emptyScheduleValues = { title: "", startsAt: "", plannedMinutes: "60", speakerCap: "8" };

/** Upcoming and live AMAs of the member's program, and the schedule form for those the gate lets through. */
export function AmasPage({ program, timezone, amas, gate, tiers, lifetimePoints, form }: AmasProps) {
  return (
    <Layout title={`${program.name}: AMAs`} nav={memberNav("/amas", true)}>
      <section class="card" aria-labelledby="amas-heading">
        <h1 id="amas-heading">AMAs</h1>
        <p class="muted">Voice sessions with the community. Times are in your time zone ({timezone}).</p>
        {amas.length === 0 ? (
          <p data-testid="no-amas">No AMAs are planned yet.</p>
        ) : (
          <ul class="plain" data-testid="ama-list">
            {amas.map((ama) => (
              <li class="row" data-ama-id={ama.id}>
                <span>
                  <a href={`/amas/${ama.id}`}>{ama.title}</a>
                  <br />
                  <span class="muted">
                    {dateTime(ama.startsAt, timezone)} · {ama.plannedMinutes} min
                  </span>
                </span>
                <span class={`badge ${ama.status === "live" ? "good" : ""}`}>{amaStatusWords[ama.status]}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="schedule-heading">
        <h2 id="schedule-heading">Schedule an AMA</h2>
        {gate?.pass ? (
          <form method="post" action="/amas" class="stack">
            {form.errors.length > 0 && <Notice kind="error">{form.errors.join(" ")}</Notice>}
            <input type="hidden" name="idempotencyKey" value={form.idempotencyKey} />
            <label for="ama-title">Title</label>
            <input id="ama-title" name="title" required minlength={3} maxlength={120} value={form.values.title} />
            <label for="ama-starts">Starts ({timezone})</label>
            <input id="ama-starts" name="startsAt" type="datetime-local" required value={form.values.startsAt} />
            <label for="ama-minutes">Planned length in minutes</label>
            <input id="ama-minutes" name="plannedMinutes" type="number" inputmode="numeric" min={5} max={480} required value={form.values.plannedMinutes} />
            <label for="ama-speakers">Speakers on stage at once (besides you)</label>
            <input id="ama-speakers" name="speakerCap" type="number" inputmode="numeric" min={1} max={50} value={form.values.speakerCap} />
            <button type="submit">Schedule AMA</button>
          </form>
        ) : (
          <p data-testid="schedule-gate">
            {gate === null
              ? "This program does not let members schedule AMAs."
              : `To host an AMA you need to ${gate.unmet.map((leaf) => missingInWords(leaf, tiers, lifetimePoints)).join("; ")}.`}
          </p>
        )}
      </section>
    </Layout>
  );
}
