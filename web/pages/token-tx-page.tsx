import { Layout } from "../layout";
import type { ProgramFacts } from "../member-data";
import { dateTime, points } from "../words/formatting";
import { tokens } from "../words/token-words";
import { memberNav } from "./member-nav";
import type { PayoutRow } from "./tokens-page";

type TokenTxProps = { program: ProgramFacts; community: boolean; timezone: string; hash: string; payouts: PayoutRow[]; explorerUrl: string | null };

/** One settlement transaction: the member's own payouts it carried, and the block explorer when the deployment names one. */
export function TokenTxPage({ program, community, timezone, hash, payouts, explorerUrl }: TokenTxProps) {
  const total = payouts.reduce((sum, payout) => sum + BigInt(payout.tokenAmount), 0n);
  return (
    <Layout title={`${program.name}: token transaction`} nav={memberNav("/tokens", community)}>
      <section class="card">
        <h1>Token transaction</h1>
        <p class="hex">
          {hash}
        </p>
        <p>
          This transaction sent you <strong>{tokens(total)}</strong>.
        </p>
        <ul class="plain" data-testid="tx-payouts">
          {payouts.map((payout) => (
            <li class="row">
              <span>
                {tokens(payout.tokenAmount)} for {points(payout.points)}
              </span>
              <span class="muted">{payout.settledAt ? `Arrived ${dateTime(payout.settledAt, timezone)}` : "On its way"}</span>
            </li>
          ))}
        </ul>
        {explorerUrl && (
          <p>
            <a href={explorerUrl} rel="noopener noreferrer" data-testid="explorer-link">
              View on the block explorer
            </a>
          </p>
        )}
        <p>
          <a href="/tokens">Back to your tokens</a>
        </p>
      </section>
    </Layout>
  );
}
