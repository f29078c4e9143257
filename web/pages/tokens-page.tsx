import type { TokenSettlementRules } from "../../domain/token-settlement/settlement-config";
import { Layout, Notice } from "../layout";
import type { ProgramFacts } from "../member-data";
import { dateTime, points } from "../words/formatting";
import { rateInWords, shortHex, tokens, walletActorWords } from "../words/token-words";
import { memberNav } from "./member-nav";

/** A payout as the member's actor answers it (the same shape as GET /v1/me/token-settlements). */
export type PayoutRow = {
  intentId: string;
  points: number;
  tokenAmount: string;
  address: string;
  status: "reserved" | "settled" | "returned";
  txHash: string | null;
  cutAt: string;
  settledAt: string | null;
  returnedAt: string | null;
};

export type PayoutWalletView = {
  pinned: string | null;
  pendingRelink: { address: string; requestedAt: string; effectiveAt: string } | null;
  history: { from: string | null; to: string; status: "pending" | "applied" | "cancelled"; requestedAt: string; requestedBy: keyof typeof walletActorWords; effectiveAt: string; cancelledAt: string | null }[];
};

/** What a cut would do now: the points and tokens, or why not, in words. */
export type SettleNow = { ok: true; points: number; tokenAmount: string; address: string } | { ok: false; reason: string };

export type OnChain = { balance: string; received: string; sent: string; asOfBlock: number | null };

export type TokensPageProps = {
  program: ProgramFacts;
  community: boolean;
  timezone: string;
  rules: TokenSettlementRules | undefined;
  payouts: PayoutRow[];
  settleNow: SettleNow;
  /** The hidden Idempotency-Key of the payout form, fresh each render. */
  payoutKey: string;
  wallet: PayoutWalletView;
  linkedWallets: string[];
  onChain: OnChain;
  notice?: { kind: "error" | "success"; text: string };
};

/** How many wallet changes the page lists; the API has the whole trail. */
const walletChangesShownMax = 5;

/**
 * The member's tokens (issue 23): what arrived, what is on its way, what can settle now (a plain
 * form post), the payout wallet with its cooling-off relink, and the chain watcher's figures.
 */
export function TokensPage(props: TokensPageProps) {
  const { program, timezone, rules, payouts, settleNow, wallet, onChain } = props;
  const when = (iso: string) => dateTime(iso, timezone);
  const settled = payouts.filter((payout) => payout.status === "settled");
  const reserved = payouts.filter((payout) => payout.status === "reserved");
  const returned = payouts.filter((payout) => payout.status === "returned");
  return (
    <Layout title={`${program.name}: tokens`} nav={memberNav("/tokens", props.community)}>
      <section class="card">
        <h1>Tokens</h1>
        {rules ? (
          <p>
            Points you earn by taking part become {program.name} tokens in your own wallet, at {rateInWords(rules)}. You never pay gas.
          </p>
        ) : (
          <p>This community does not turn points into tokens.</p>
        )}
        {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      </section>

      {rules && (
        <section class="card" aria-labelledby="settle-heading" data-testid="settle-now">
          <h2 id="settle-heading">Turn points into tokens</h2>
          {settleNow.ok ? (
            <>
              <p>
                You can turn <strong>{points(settleNow.points)}</strong> into <strong>{tokens(settleNow.tokenAmount)}</strong> now, sent to{" "}
                <span class="hex" title={settleNow.address}>
                  {shortHex(settleNow.address)}
                </span>
                .
              </p>
              <form method="post" action="/tokens/payouts">
                <input type="hidden" name="idempotencyKey" value={props.payoutKey} />
                <button type="submit">Turn {points(settleNow.points)} into tokens</button>
              </form>
            </>
          ) : (
            <p data-testid="settle-reason">{settleNow.reason}</p>
          )}
          <p class="muted">
            Points from AMAs, live events, chat, votes and referrals count; at least {points(rules.minPayoutPoints)} per payout, at most {points(rules.dailyCeilingPoints)} a day.
          </p>
        </section>
      )}

      <section class="card" aria-labelledby="pending-heading">
        <h2 id="pending-heading">On their way to your wallet ({reserved.length})</h2>
        {reserved.length === 0 ? (
          <p class="muted">Nothing is on its way.</p>
        ) : (
          <ul class="plain" data-testid="payouts-pending">
            {reserved.map((payout) => (
              <li class="row" data-intent={payout.intentId}>
                <span>
                  <strong>{tokens(payout.tokenAmount)}</strong> for {points(payout.points)}
                  <br />
                  <span class="muted">Since {when(payout.cutAt)}</span>
                </span>
                {payout.txHash ? <TxLink hash={payout.txHash} /> : <span class="muted">Waiting for the next batch</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="received-heading">
        <h2 id="received-heading">Tokens received ({settled.length})</h2>
        {settled.length === 0 ? (
          <p class="muted">No tokens yet.</p>
        ) : (
          <ul class="plain" data-testid="payouts-settled">
            {settled.map((payout) => (
              <li class="row" data-intent={payout.intentId}>
                <span>
                  <strong>{tokens(payout.tokenAmount)}</strong> for {points(payout.points)}
                  <br />
                  <span class="muted">Arrived {when(payout.settledAt ?? payout.cutAt)}</span>
                </span>
                {payout.txHash && <TxLink hash={payout.txHash} />}
              </li>
            ))}
          </ul>
        )}
        {returned.length > 0 && (
          <>
            <h3>Not sent ({returned.length})</h3>
            <ul class="plain" data-testid="payouts-returned">
              {returned.map((payout) => (
                <li class="row">
                  <span>{points(payout.points)} came back to you</span>
                  <span class="muted">{when(payout.returnedAt ?? payout.cutAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section class="card" aria-labelledby="chain-heading" data-testid="on-chain">
        <h2 id="chain-heading">In your wallets, on chain</h2>
        {onChain.asOfBlock === null ? (
          <p class="muted">Nothing read from the chain for your wallets yet. Tokens show here a few blocks after they arrive.</p>
        ) : (
          <>
            <ul class="plain">
              <li class="row">
                <span>Balance</span>
                <strong>{tokens(onChain.balance)}</strong>
              </li>
              <li class="row">
                <span>Received</span>
                <span>{tokens(onChain.received)}</span>
              </li>
              <li class="row">
                <span>Sent</span>
                <span>{tokens(onChain.sent)}</span>
              </li>
            </ul>
            <p class="muted">As of block {onChain.asOfBlock.toLocaleString("en-US")}.</p>
          </>
        )}
      </section>

      <WalletSection wallet={wallet} linkedWallets={props.linkedWallets} programId={program.id} when={when} />
    </Layout>
  );
}

function TxLink({ hash }: { hash: string }) {
  return (
    <a href={`/tokens/tx/${hash}`} data-testid="tx-link">
      Transaction <span class="hex">{shortHex(hash)}</span>
    </a>
  );
}

function WalletSection({ wallet, linkedWallets, programId, when }: { wallet: PayoutWalletView; linkedWallets: string[]; programId: string; when: (iso: string) => string }) {
  // Offer the wallets it could change to: not the one in use, nor the one a change already waits for.
  const current = [wallet.pinned, wallet.pendingRelink?.address].filter((address): address is string => address !== null && address !== undefined).map((address) => address.toLowerCase());
  const choices = linkedWallets.filter((address) => !current.includes(address.toLowerCase()));
  return (
    <section class="card" aria-labelledby="wallet-heading" data-testid="payout-wallet">
      <h2 id="wallet-heading">Payout wallet</h2>
      {wallet.pinned ? (
        <p>
          Tokens go to <span class="hex">{wallet.pinned}</span>.
        </p>
      ) : (
        <p>No payout wallet yet.</p>
      )}
      {wallet.pendingRelink && (
        <div data-testid="pending-relink">
          <p>
            From {when(wallet.pendingRelink.effectiveAt)} tokens go to <span class="hex">{wallet.pendingRelink.address}</span> instead. Until then they go to your current wallet.
          </p>
          <form method="post" action="/tokens/payout-wallet/cancel">
            <button type="submit" class="danger">
              Cancel the change
            </button>
          </form>
        </div>
      )}
      {choices.length > 0 && (
        <form method="post" action="/tokens/payout-wallet">
          <label for="payout-address">{wallet.pinned ? "Change to another of your wallets" : "Choose one of your wallets"}</label>
          <select id="payout-address" name="address">
            {choices.map((address) => (
              <option value={address}>{address}</option>
            ))}
          </select>
          <button type="submit">{wallet.pinned ? "Use this wallet" : "Pin this wallet"}</button>
          {wallet.pinned && <p class="muted">A change takes effect after a cooling-off period, so nobody who takes over your session can redirect your tokens at once.</p>}
        </form>
      )}
      {choices.length === 0 && !wallet.pinned && (
        <p class="muted">
          Link a wallet by <a href={`/sign-in?program=${programId}`}>signing in with it</a>; then choose it here.
        </p>
      )}
      {choices.length === 0 && wallet.pinned && <p class="muted">Only a wallet linked to your account can receive your tokens.</p>}
      {wallet.history.length > 0 && (
        <details>
          <summary>Changes ({wallet.history.length})</summary>
          <ul class="plain" data-testid="wallet-history">
            {wallet.history.slice(0, walletChangesShownMax).map((change) => (
              <li>
                {when(change.requestedAt)}: <span class="hex">{shortHex(change.to)}</span>
                {change.from ? <> instead of <span class="hex">{shortHex(change.from)}</span></> : null}, by {walletActorWords[change.requestedBy]}
                {change.status === "pending" ? `; takes effect ${when(change.effectiveAt)}` : change.status === "cancelled" ? "; cancelled" : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
