import { Layout, Notice } from "../layout";

/** Where a login link lands: the token rides in the URL fragment (never sent to servers or logs) and a small script uses it. */
export function LoginLinkPage() {
  return (
    <Layout title="Signing you in" scripts={["login-link"]}>
      <section class="card">
        <h1>Signing you in…</h1>
        <p class="notice" id="login-status" role="status" aria-live="polite">
          One moment.
        </p>
        <noscript>
          <Notice kind="error">Signing in with a login link needs JavaScript.</Notice>
        </noscript>
        <p>
          <a href="/sign-in">Other ways to sign in</a>
        </p>
      </section>
    </Layout>
  );
}
