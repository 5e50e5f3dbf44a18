import type { Child, Html } from '../../html/jsx-runtime.ts';
import type { PortalPage } from './context.ts';

export function PortalCsrf(props: { page: PortalPage }): Html {
  return <input type="hidden" name="_csrf" value={props.page.csrf} />;
}

/** The portal's frame: links only to portal pages, never to the legal team's app. */
export function PortalLayout(props: { page: PortalPage; title: string; children?: Child }): Html {
  const { page } = props;
  const o = page.officer;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${page.providerName} law enforcement portal`}</title>
        <link rel="stylesheet" href="/portal/static/portal.css" />
      </head>
      <body>
        <header class="p-top">
          <div class="p-inner">
            <a class="p-brand" href="/portal">
              {page.providerName} · Law enforcement portal
            </a>
            {o && (
              <nav aria-label="Portal">
                <a href="/portal" aria-current={page.path === '/portal' ? 'page' : undefined}>
                  My submissions
                </a>
                <a href="/portal/submit" aria-current={page.path === '/portal/submit' ? 'page' : undefined}>
                  New submission
                </a>
                <form method="post" action="/portal/sign-out" class="p-inline">
                  <PortalCsrf page={page} />
                  <button type="submit" class="p-link">
                    Sign out
                  </button>
                </form>
              </nav>
            )}
          </div>
        </header>
        <main id="main" class="p-main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <footer class="p-foot">
          <a href="/portal/guide">Officer guide</a>
          {o && <span>{` · Signed in as ${o.name} (${o.email}), ${o.agency}`}</span>}
        </footer>
      </body>
    </html>
  );
}

export function PortalError(props: { page: PortalPage; status: number; message: string }): Html {
  const title =
    props.status === 404 ? 'Not found' : props.status === 403 ? 'Not allowed' : 'Something went wrong';
  return (
    <PortalLayout page={props.page} title={title}>
      <p class="p-notice p-error" role="alert">
        {props.message}
      </p>
      <p>
        <a href="/portal">Back to the portal</a>
      </p>
    </PortalLayout>
  );
}

export function Info(props: { kind?: 'ok' | 'error' | 'info'; children?: Child }): Html {
  return (
    <p class={`p-notice p-${props.kind ?? 'info'}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}
