import { Layout, Notice } from "../layout";

/** A page-level failure, in words, with a way back. */
export function ErrorPage({ title, message, back }: { title: string; message: string; back: { href: string; label: string } }) {
  return (
    <Layout title={title}>
      <section class="card">
        <h1>{title}</h1>
        <Notice kind="error">{message}</Notice>
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      </section>
    </Layout>
  );
}
