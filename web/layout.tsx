import type { Child } from "hono/jsx";

type LayoutProps = {
  title: string;
  /** Links in the header; the current page is marked for screen readers. */
  nav?: { href: string; label: string; current?: boolean }[];
  /** Client scripts (bundled into /assets) this page needs; most pages need none. */
  scripts?: string[];
  /** Kiosk pages are laid out for a tablet. */
  variant?: "member" | "kiosk";
  headerAction?: Child;
  children: Child;
};

/** Every page's frame: one stylesheet, a skip link, a header with navigation, and the page's own scripts. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {(props.scripts ?? []).map((script) => (
          <script type="module" src={`/assets/${script}.js`} defer />
        ))}
      </head>
      <body class={props.variant === "kiosk" ? "kiosk" : "member"}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">{props.variant === "kiosk" ? "Loyalty kiosk" : "Loyalty"}</span>
          {props.nav && (
            <nav aria-label="Main">
              {props.nav.map((link) => (
                <a href={link.href} aria-current={link.current ? "page" : undefined}>
                  {link.label}
                </a>
              ))}
            </nav>
          )}
          {props.headerAction}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A message box: `role="alert"` for errors so screen readers announce them. */
export function Notice(props: { kind: "error" | "info" | "success"; children: Child }) {
  return (
    <p class={`notice ${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </p>
  );
}
