import { Layout, Notice } from "../layout";

type KioskProps = { venue: { id: string; name: string; timezone: string }; program: { id: string; name: string; currency: string } };

/**
 * The kiosk screen. It is live (lookups, purchases, QR codes, scanning), so its script drives it
 * through the same JSON API a POS uses, authenticated by the kiosk's session cookie.
 */
export function KioskPage({ venue, program }: KioskProps) {
  return (
    <Layout
      title={`Kiosk: ${venue.name}`}
      variant="kiosk"
      scripts={["kiosk"]}
      headerAction={
        <form method="post" action="/kiosk/sign-out" class="inline">
          <button type="submit" class="secondary">
            Sign kiosk out
          </button>
        </form>
      }
    >
      <div id="kiosk" class="card wide" data-program-id={program.id} data-currency={program.currency} data-timezone={venue.timezone}>
        <h1>{venue.name}</h1>
        <p class="muted">{program.name}</p>
        <noscript>
          <Notice kind="error">The kiosk needs JavaScript.</Notice>
        </noscript>
      </div>

      <section class="card" aria-labelledby="lookup-heading">
        <h2 id="lookup-heading">1. Find the member</h2>
        <form id="lookup" class="stack">
          <label for="lookup-by">Look up by</label>
          <select id="lookup-by" name="by">
            <option value="referralCode">Referral code</option>
            <option value="phone">Phone (+14155550123)</option>
            <option value="email">Email</option>
            <option value="externalRef">Customer number (external ref)</option>
          </select>
          <label for="lookup-value">Value</label>
          <input id="lookup-value" name="value" required maxlength={254} autocomplete="off" />
          <button type="submit">Find</button>
        </form>
        <p class="notice" id="lookup-status" role="status" aria-live="polite"></p>
        <div id="member-card" hidden data-testid="member-card">
          <h3 id="member-name"></h3>
          <p>
            <span class="badge" id="member-tier"></span> <span id="member-points"></span>
          </p>
          <button type="button" class="secondary" id="show-login-qr">
            Show sign-in QR code
          </button>
          <div id="login-qr" hidden class="center">
            <div id="login-qr-image"></div>
            <p class="muted" id="login-qr-expiry"></p>
          </div>
        </div>
      </section>

      <section class="card" aria-labelledby="purchase-heading">
        <h2 id="purchase-heading">2. Post a purchase</h2>
        <form id="purchase" class="stack">
          <label for="purchase-amount">Amount ({program.currency})</label>
          <input id="purchase-amount" name="amount" inputmode="decimal" required pattern="\d+(\.\d{1,2})?" placeholder="42.50" autocomplete="off" />
          <label for="purchase-items">Items (optional, one per line: name × quantity @ unit price)</label>
          <textarea id="purchase-items" name="items" rows={3} placeholder={"burger × 2 @ 12.50\nsoda × 1 @ 3"}></textarea>
          <button type="submit" disabled id="purchase-submit">
            Post purchase
          </button>
        </form>
        <p class="notice" id="purchase-status" role="status" aria-live="polite"></p>
      </section>

      <section class="card" aria-labelledby="consume-heading">
        <h2 id="consume-heading">3. Redeem a member's code</h2>
        <form id="consume" class="stack">
          <label for="consume-code">Redemption code</label>
          <input id="consume-code" name="code" required maxlength={16} autocomplete="off" autocapitalize="characters" placeholder="K7QZ-3M9D" />
          <div class="row">
            <button type="submit">Hand over reward</button>
            <button type="button" class="secondary" id="scan-code" hidden>
              Scan QR code
            </button>
          </div>
        </form>
        <video id="scanner" class="scanner" hidden muted playsinline aria-label="Camera view for scanning a code"></video>
        <p class="notice" id="consume-status" role="status" aria-live="polite"></p>
      </section>

      <section class="card" aria-labelledby="refund-heading">
        <h2 id="refund-heading">4. Refund a purchase</h2>
        <form id="refund" class="stack">
          <label for="refund-purchase">Purchase id</label>
          <input id="refund-purchase" name="purchaseId" required maxlength={64} autocomplete="off" />
          <label for="refund-amount">Amount to refund ({program.currency})</label>
          <input id="refund-amount" name="amount" inputmode="decimal" required pattern="\d+(\.\d{1,2})?" autocomplete="off" />
          <button type="submit" class="danger">
            Refund
          </button>
        </form>
        <p class="notice" id="refund-status" role="status" aria-live="polite"></p>
      </section>
    </Layout>
  );
}
