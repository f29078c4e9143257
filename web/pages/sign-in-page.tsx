import { Layout, Notice } from "../layout";

type SignInProps = { program: { id: string; name: string; community: boolean } | null; referralCode: string | null; error?: string };

/** Sign in with a browser wallet (EIP-1193 + SIWE), or with the login link a venue shows. */
export function SignInPage({ program, referralCode, error }: SignInProps) {
  return (
    <Layout title={program ? `Sign in to ${program.name}` : "Sign in"} scripts={program ? ["sign-in"] : []}>
      <section class="card">
        <h1>{program ? `Sign in to ${program.name}` : "Sign in"}</h1>
        {error && <Notice kind="error">{error}</Notice>}
        {program ? (
          <div class="stack" id="wallet-sign-in" data-program-id={program.id} data-referral-code={referralCode ?? ""}>
            {referralCode && (
              <Notice kind="info">
                A friend invited you (code {referralCode}): they earn a referral reward once you {program.community ? "take part (an AMA, an event or chat)" : "make a first purchase of $10 or more"}.
              </Notice>
            )}
            <p>Connect your wallet and sign a message. Signing is free and sends nothing on chain.</p>
            <button type="button" id="connect-wallet" disabled>
              Connect wallet
            </button>
            <p class="notice" id="sign-in-status" role="status" aria-live="polite"></p>
            <a href="/" id="sign-in-continue" class="button" hidden>
              Continue to your account
            </a>
            <noscript>
              <Notice kind="info">Signing in with a wallet needs JavaScript. You can also sign in with a login link from a venue.</Notice>
            </noscript>
          </div>
        ) : (
          <p>Open the sign-in link your community shared, or sign in with a login link from a venue.</p>
        )}
      </section>
      <section class="card">
        <h2>No wallet?</h2>
        {program?.community ? (
          <p>Install a browser wallet (MetaMask, Rabby or another), create an account, and come back to this page. Joining costs nothing.</p>
        ) : (
          <p>Ask the staff at the venue to show your sign-in QR code, and scan it with your phone's camera. Each code works once, for 10 minutes.</p>
        )}
      </section>
    </Layout>
  );
}
