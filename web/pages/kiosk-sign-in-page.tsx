import { Layout, Notice } from "../layout";

/** Staff sign a tablet in once with the venue key; the key goes to the server and never into the page's storage. */
export function KioskSignInPage({ error }: { error?: string }) {
  return (
    <Layout title="Sign this kiosk in" variant="kiosk">
      <section class="card wide">
        <h1>Sign this kiosk in</h1>
        <p>Enter the venue API key once. The tablet then stays signed in (for up to 30 days, or until the key is revoked).</p>
        {error && <Notice kind="error">{error}</Notice>}
        <form method="post" action="/kiosk/sign-in" class="stack">
          <label for="venue-key">Venue API key</label>
          <input id="venue-key" name="venueKey" type="password" autocomplete="off" required minlength={8} maxlength={200} placeholder="vk_…" />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}
