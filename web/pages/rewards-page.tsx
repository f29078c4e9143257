import { Layout, Notice } from "../layout";
import type { ProgramFacts } from "../member-data";
import { points } from "../words/formatting";
import { memberNav } from "./member-nav";

/** A catalog entry with its form's own idempotency key (`redeemKey`), fresh for each render. */
type CatalogEntry = {
  reward: { id: string; name: string; pointsCost: number };
  eligible: boolean;
  reason: { code: string; message: string } | null;
  remaining: number | null;
  redeemKey: string;
};

type RewardsProps = { program: ProgramFacts; available: number; catalog: CatalogEntry[]; community: boolean; error?: string };

/**
 * The catalog with what this member may redeem and why not. Redeeming is a plain form post (no
 * script needed). Each reward's form carries its own idempotency key: a double tap on one form is
 * one redemption, and a second reward redeemed from the same page is a redemption of its own.
 */
export function RewardsPage({ program, available, catalog, community, error }: RewardsProps) {
  return (
    <Layout title={`${program.name}: rewards`} nav={memberNav("/rewards", community)}>
      <section class="card">
        <h1>Rewards</h1>
        <p>
          You have <strong>{points(available)}</strong> to spend.
        </p>
        {error && <Notice kind="error">{error}</Notice>}
      </section>
      {catalog.length === 0 && <p class="card muted">This program has no rewards yet.</p>}
      {catalog.map((entry) => (
        <section class="card" aria-labelledby={`reward-${entry.reward.id}`} data-testid="reward">
          <div class="row">
            <h2 id={`reward-${entry.reward.id}`}>{entry.reward.name}</h2>
            <span class="badge">{points(entry.reward.pointsCost)}</span>
          </div>
          {entry.remaining !== null && <p class="muted">{entry.remaining} left</p>}
          {entry.eligible ? (
            <form method="post" action={`/rewards/${entry.reward.id}/redeem`}>
              <input type="hidden" name="idempotencyKey" value={entry.redeemKey} />
              <button type="submit">Redeem {entry.reward.name}</button>
            </form>
          ) : (
            <p class="muted" data-testid="reward-reason">
              Not available: {entry.reason?.message ?? "not available to you"}
            </p>
          )}
        </section>
      ))}
    </Layout>
  );
}
