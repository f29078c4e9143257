import { Layout, Notice } from "../layout";

/**
 * Where a login link lands. The token rides in the URL fragment (never sent to servers or logs). A
 * small script asks whom the link signs in, without using it, and uses it only when the person
 * presses the button: a mail or chat link scanner that opens the page uses nothing up. A browser
 * already signed in as another member is told so, and the button says it switches.
 */
export function LoginLinkPage() {
  return (
    <Layout title="Sign in with your link" scripts={["login-link"]}>
      <section class="card" id="login-link">
        <h1>Sign in with your link</h1>
        <p class="notice" id="login-status" role="status" aria-live="polite">
          Checking your link…
        </p>
        <p>
          <button type="button" id="login-continue" hidden>
            Sign in
          </button>
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
