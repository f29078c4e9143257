import type { GateResult } from "../../domain/gates/evaluate-gate";
import type { Tier } from "../../domain/programs/program-config";
import { Layout } from "../layout";
import type { ProgramFacts } from "../member-data";
import { gateName, missingInWords } from "../words/gate-words";
import { memberNav } from "./member-nav";

type AccessProps = { program: ProgramFacts; tier: string; lifetimePoints: number; tiers: readonly Tier[]; gates: { gate: string; result: GateResult }[] };

/** Which channels and gated actions are open to the member, and for the rest what is missing, in words. */
export function AccessPage({ program, tier, lifetimePoints, tiers, gates }: AccessProps) {
  const channels = gates.filter((entry) => entry.gate.startsWith("channel:"));
  const actions = gates.filter((entry) => !entry.gate.startsWith("channel:"));
  const list = (entries: typeof gates, testId: string) => (
    <ul class="plain" data-testid={testId}>
      {entries.map(({ gate, result }) => (
        <li class="row" data-gate={gate}>
          <span>{gateName(gate)}</span>
          {result.pass ? (
            <span class="badge good">Open</span>
          ) : (
            <span class="muted">{result.unmet.map((leaf) => missingInWords(leaf, tiers, lifetimePoints)).join("; ")}</span>
          )}
        </li>
      ))}
    </ul>
  );
  return (
    <Layout title={`${program.name}: access`} nav={memberNav("/access", true)}>
      <section class="card">
        <h1>Access</h1>
        <p>
          You are <strong>{tier}</strong> with {lifetimePoints.toLocaleString("en-US")} lifetime points.
        </p>
      </section>
      <section class="card" aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        {list(channels, "access-channels")}
      </section>
      <section class="card" aria-labelledby="actions-heading">
        <h2 id="actions-heading">Gated actions</h2>
        {list(actions, "access-actions")}
      </section>
    </Layout>
  );
}
