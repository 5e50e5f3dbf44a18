import type { Html, Child } from '../html/jsx-runtime.ts';
import { can, type Action } from '../services/authorize.ts';
import type { WebSession } from '../services/auth.ts';

/** What every page knows about who is looking. */
export interface PageContext {
  session: WebSession | null;
  /** The CSRF token to put in this page's forms (the session's, or the pre-session one). */
  csrf: string;
  path: string;
}

/** The navigation, in order. A page appears here once its service exists; each names the action it needs. */
export const NAV: ReadonlyArray<{ href: string; label: string; action: Action }> = [
  { href: '/', label: 'Dashboard', action: 'request.read' },
  { href: '/requests', label: 'Requests', action: 'request.read' },
  { href: '/requests/new', label: 'New request', action: 'request.create' },
  { href: '/contacts', label: 'Contacts', action: 'notice.read' },
  { href: '/intake', label: 'Portal intake', action: 'portal.intake' },
  { href: '/reports', label: 'Reports', action: 'report.read' },
  { href: '/admin', label: 'Admin', action: 'user.manage' },
];

function isCurrent(href: string, path: string): boolean {
  if (href === '/') return path === '/';
  if (href === '/requests') return path === '/requests' || /^\/requests\/\d+/.test(path);
  return path === href || path.startsWith(`${href}/`);
}

export function CsrfField(props: { ctx: PageContext }): Html {
  return <input type="hidden" name="_csrf" value={props.ctx.csrf} />;
}

export function Layout(props: {
  ctx: PageContext;
  title: string;
  children?: Child;
  narrow?: boolean;
  /** Where the page sends the browser at once (a meta refresh: allowed by the CSP, unlike a script). */
  refresh?: string;
}): Html {
  const { ctx } = props;
  const s = ctx.session?.stage === 'signed_in' ? ctx.session : null;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {props.refresh && <meta http-equiv="refresh" content={`0;url=${props.refresh}`} />}
        <title>{`${props.title} · Candor`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <div class="top-inner">
            <a class="brand" href={s ? '/' : '/login'}>
              <span class="brand-mark" aria-hidden="true">
                C
              </span>
              Candor
            </a>
            {s && (
              <nav aria-label="Main">
                <ul>
                  {NAV.filter((n) => can(s.actor, n.action)).map((n) => (
                    <li>
                      <a href={n.href} aria-current={isCurrent(n.href, ctx.path) ? 'page' : undefined}>
                        {n.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {s && (
              <div class="who">
                <a href="/account" aria-current={ctx.path.startsWith('/account') ? 'page' : undefined}>
                  {s.email}
                </a>
                <span class="role">{s.actor.role}</span>
                <form method="post" action="/logout" class="inline">
                  <CsrfField ctx={ctx} />
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </div>
            )}
          </div>
        </header>
        <main id="main" class={props.narrow ? 'narrow' : undefined} tabindex="-1">
          {props.children}
        </main>
        <footer class="foot">Candor · records of government requests for customer information</footer>
      </body>
    </html>
  );
}

/**
 * A titled page section. `fold` makes it a disclosure (`<details>`, open or closed) whose summary is the
 * heading and `summary`, a line of what it holds: secondary sections stay one line tall until opened.
 */
export function Section(props: {
  title: string;
  children?: Child;
  id?: string;
  aside?: Child;
  fold?: 'open' | 'closed';
  summary?: Child;
}): Html {
  if (props.fold) {
    return (
      <details class="card fold-card" open={props.fold === 'open'}>
        <summary>
          <h2 id={props.id}>{props.title}</h2>
          {props.summary && <span class="fold-summary">{props.summary}</span>}
        </summary>
        {props.aside}
        {props.children}
      </details>
    );
  }
  return (
    <section class="card" aria-labelledby={props.id}>
      <div class="card-head">
        <h2 id={props.id}>{props.title}</h2>
        {props.aside}
      </div>
      {props.children}
    </section>
  );
}

export function Notice(props: { kind: 'info' | 'ok' | 'warn' | 'error'; children?: Child }): Html {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
