import { CandorError } from '../../errors.ts';
import { AUTH_POLICY, type OidcRefusal } from '../../services/auth.ts';
import { OIDC_LOGIN_MINUTES } from '../../services/auth/oidc.ts';
import { PASSWORDS_OFF } from '../../services/auth/policy.ts';
import {
  OIDC_COOKIE,
  PENDING_COOKIE,
  redirect,
  safeNext,
  SESSION_COOKIE,
  type WebContext,
  type WebRoute,
} from '../context.ts';
import { Errors, Input } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Layout, Notice, type PageContext } from '../layout.tsx';

const SESSION_MAX_AGE = AUTH_POLICY.absoluteHours * 3600;

function SignInPage(props: {
  ctx: PageContext;
  email?: string;
  message?: string;
  next: string;
  /** The single sign-on button's name, when it is configured. */
  sso: string | null;
  passwords: boolean;
}): Html {
  const query = props.next !== '/' ? `?next=${encodeURIComponent(props.next)}` : '';
  return (
    <Layout ctx={props.ctx} title="Sign in" narrow>
      <div class="card auth">
        <h1>Sign in</h1>
        <p class="lede">Candor keeps the record of government requests for customer information.</p>
        {props.message && <Notice kind="error">{props.message}</Notice>}
        {props.sso && (
          <p>
            <a class="button primary" href={`/login/oidc${query}`}>
              Sign in with {props.sso}
            </a>
          </p>
        )}
        {props.passwords && (
          <form
            method="post"
            action={`/login${props.next !== '/' ? `?next=${encodeURIComponent(props.next)}` : ''}`}
          >
            <CsrfField ctx={props.ctx} />
            <Input
              name="email"
              label="E-mail"
              type="email"
              value={props.email}
              autocomplete="username"
              required
            />
            <Input
              name="password"
              label="Password"
              type="password"
              autocomplete="current-password"
              required
            />
            <button type="submit" class={props.sso ? '' : 'primary'}>
              Sign in
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}

function SecondFactorPage(props: { ctx: PageContext; message?: string; next: string }): Html {
  return (
    <Layout ctx={props.ctx} title="Second factor" narrow>
      <div class="card auth">
        <h1>Enter your code</h1>
        <p class="lede">Open your authenticator app and enter the 6-digit code for Candor.</p>
        {props.message && <Notice kind="error">{props.message}</Notice>}
        <form method="post" action={`/login/second-factor?next=${encodeURIComponent(props.next)}`}>
          <CsrfField ctx={props.ctx} />
          <Input name="code" label="Code" inputmode="numeric" autocomplete="one-time-code" required />
          <button type="submit" class="primary">
            Continue
          </button>
        </form>
      </div>
    </Layout>
  );
}

function SetupPage(props: {
  ctx: PageContext;
  token: string;
  email: string | null;
  typed?: string;
  errors?: Errors;
  message?: string;
}): Html {
  const first = props.email === null;
  return (
    <Layout ctx={props.ctx} title={first ? 'Set up Candor' : 'Set your password'} narrow>
      <div class="card auth">
        <h1>{first ? 'Set up Candor' : 'Set your password'}</h1>
        <p class="lede">
          {first
            ? 'Create the first administrator. This link works once.'
            : `Choose a password for ${props.email}. This link works once.`}
        </p>
        {props.message && <Notice kind="error">{props.message}</Notice>}
        <form method="post" action={`/setup/${props.token}`}>
          <CsrfField ctx={props.ctx} />
          {first && (
            <Input
              name="email"
              label="Your e-mail"
              type="email"
              value={props.typed}
              errors={props.errors}
              autocomplete="username"
              required
            />
          )}
          <Input
            name="password"
            label="Password"
            type="password"
            hint={`At least ${AUTH_POLICY.minPasswordLength} characters; a passphrase is easiest.`}
            errors={props.errors}
            autocomplete="new-password"
            required
          />
          <button type="submit" class="primary">
            {first ? 'Create administrator' : 'Set password'}
          </button>
        </form>
      </div>
    </Layout>
  );
}

const nextOf = (c: WebContext) => safeNext(c.query.get('next') || '/');

function oidcRefusal(reason: OidcRefusal, email?: string): string {
  const who = email ? ` (${email})` : '';
  switch (reason) {
    case 'not_configured':
      return 'Single sign-on is not configured on this server.';
    case 'expired':
      return `This sign-in took longer than ${OIDC_LOGIN_MINUTES} minutes or was started in another browser. Start again from the sign-in page.`;
    case 'failed':
      return 'The identity provider did not confirm this sign-in. Start again from the sign-in page; if it keeps failing, an administrator can read why in the audit log.';
    case 'unknown_user':
      return `Your identity provider signed you in${who}, but there is no Candor account for you. Ask a Candor administrator to add you.`;
    case 'unverified_email':
      return `A Candor account has your e-mail address${who}, but your identity provider does not say the address is verified, so it is not linked. Ask a Candor administrator.`;
    case 'no_email':
      return 'Your identity provider did not share an e-mail address, which a new Candor account needs. Ask a Candor administrator.';
    case 'disabled':
      return `Your Candor account${who} is disabled. Ask a Candor administrator.`;
    case 'locked':
      return `Your Candor account${who} is locked for ${AUTH_POLICY.lockMinutes} minutes after too many wrong codes.`;
    case 'taken':
      return `The Candor account with your e-mail address${who} is linked to another identity. Ask a Candor administrator.`;
  }
}

function OidcRefusedPage(props: { ctx: PageContext; message: string }): Html {
  return (
    <Layout ctx={props.ctx} title="Not signed in" narrow>
      <div class="card auth">
        <h1>Not signed in</h1>
        <Notice kind="error">{props.message}</Notice>
        <p>
          <a href="/login">Back to sign-in</a>
        </p>
      </div>
    </Layout>
  );
}

function SignedInPage(props: { ctx: PageContext; next: string }): Html {
  return (
    <Layout ctx={props.ctx} title="Signed in" narrow refresh={props.next}>
      <div class="card auth">
        <h1>Signed in</h1>
        <p>
          <a class="button primary" href={props.next}>
            Continue
          </a>
        </p>
      </div>
    </Layout>
  );
}

function signedIn(c: WebContext, token: string) {
  c.setCookie(SESSION_COOKIE, token, SESSION_MAX_AGE);
  c.clearCookie(PENDING_COOKIE);
  return redirect(nextOf(c));
}

/** The sign-in page as the server is configured (single sign-on button, password form). */
const signInPage = (c: WebContext, extra: { email?: string; message?: string } = {}) =>
  SignInPage({
    ctx: c.page,
    next: nextOf(c),
    sso: c.services.auth.oidcName,
    passwords: c.services.auth.localPasswords,
    ...extra,
  });

const REFUSED = {
  passwords_off: PASSWORDS_OFF,
  bad_credentials: 'The e-mail or password is not right.',
  rate_limited: `Too many failed attempts. Wait ${AUTH_POLICY.failureWindowMinutes} minutes and try again.`,
  locked: `This account is locked for ${AUTH_POLICY.lockMinutes} minutes after too many wrong codes. An administrator can reset its second factor.`,
};

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/login',
    access: 'public',
    handler: async (c) => (c.session ? redirect('/') : signInPage(c)),
  },
  {
    method: 'POST',
    path: '/login',
    access: 'public',
    handler: async (c) => {
      const email = c.form.get('email');
      const r = await c.services.auth.signIn(email, c.form.rawValue('password'), c.ip, c.userAgent);
      if (r.kind === 'signed_in') return signedIn(c, r.token);
      if (r.kind === 'second_factor') {
        c.setCookie(PENDING_COOKIE, r.token, AUTH_POLICY.secondFactorMinutes * 60);
        return redirect(`/login/second-factor?next=${encodeURIComponent(nextOf(c))}`);
      }
      const status = r.reason === 'bad_credentials' ? 401 : r.reason === 'passwords_off' ? 403 : 429;
      return { status, html: signInPage(c, { email, message: REFUSED[r.reason] }) };
    },
  },
  {
    method: 'GET',
    path: '/login/second-factor',
    access: 'public',
    handler: async (c) => SecondFactorPage({ ctx: c.page, next: nextOf(c) }),
  },
  {
    method: 'POST',
    path: '/login/second-factor',
    access: 'public',
    handler: async (c) => {
      const pending = c.cookies.get(PENDING_COOKIE);
      const r = pending
        ? await c.services.auth.secondFactor(pending, c.form.get('code'), c.ip, c.userAgent)
        : ({ kind: 'refused', reason: 'bad_credentials' } as const);
      if (r.kind === 'signed_in') return signedIn(c, r.token);
      const message =
        r.kind === 'refused' && r.reason !== 'bad_credentials'
          ? REFUSED[r.reason]
          : 'That code did not work. Sign in again if it keeps failing.';
      const status =
        r.kind === 'refused' && r.reason !== 'bad_credentials'
          ? r.reason === 'passwords_off'
            ? 403
            : 429
          : 401;
      return { status, html: SecondFactorPage({ ctx: c.page, message, next: nextOf(c) }) };
    },
  },
  {
    method: 'GET',
    path: '/login/oidc',
    access: 'public',
    handler: async (c) => {
      const start = await c.services.auth.oidcStart(nextOf(c));
      if (!start) throw new CandorError('not_found', 'Single sign-on is not configured on this server.');
      // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
      c.setCookie(OIDC_COOKIE, start.pending, OIDC_LOGIN_MINUTES * 60, { lax: true });
      return redirect(start.url);
    },
  },
  {
    method: 'GET',
    path: '/login/oidc/callback',
    access: 'public',
    handler: async (c) => {
      const query = c.req.url.includes('?') ? c.req.url.slice(c.req.url.indexOf('?') + 1) : '';
      const r = await c.services.auth.oidcFinish(query, c.cookies.get(OIDC_COOKIE), c.userAgent);
      c.clearCookie(OIDC_COOKIE);
      if (r.kind === 'refused') {
        const status =
          r.reason === 'not_configured' ? 404 : r.reason === 'failed' || r.reason === 'expired' ? 400 : 403;
        return { status, html: OidcRefusedPage({ ctx: c.page, message: oidcRefusal(r.reason, r.email) }) };
      }
      c.setCookie(SESSION_COOKIE, r.token, SESSION_MAX_AGE);
      c.clearCookie(PENDING_COOKIE);
      // A page, not a redirect: the browser arrived from the provider's site, and a redirect in that same
      // navigation would not carry the new SameSite=Strict session cookie. The page's own navigation does.
      return SignedInPage({ ctx: c.page, next: safeNext(r.next) });
    },
  },
  {
    method: 'POST',
    path: '/logout',
    access: 'signed_in',
    handler: async (c) => {
      const token = c.cookies.get(SESSION_COOKIE);
      if (token) await c.services.auth.signOut(token);
      c.clearCookie(SESSION_COOKIE);
      return redirect('/login');
    },
  },
  {
    method: 'GET',
    path: '/setup/:token',
    access: 'public',
    handler: async (c) => {
      const link = await c.services.auth.setupLink(c.params.token ?? '');
      if (!link)
        throw new CandorError(
          'not_found',
          'This link was used already or has expired. Ask an administrator for a new one.',
        );
      return SetupPage({ ctx: c.page, token: c.params.token ?? '', email: link.email });
    },
  },
  {
    method: 'POST',
    path: '/setup/:token',
    access: 'public',
    handler: async (c) => {
      const token = c.params.token ?? '';
      const link = await c.services.auth.setupLink(token);
      if (!link)
        throw new CandorError(
          'not_found',
          'This link was used already or has expired. Ask an administrator for a new one.',
        );
      try {
        const session = await c.services.auth.completeSetup(
          token,
          c.form.get('email'),
          c.form.rawValue('password'),
          c.userAgent,
        );
        c.setCookie(SESSION_COOKIE, session, SESSION_MAX_AGE);
        return redirect('/');
      } catch (e) {
        if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
        const html = SetupPage({
          ctx: c.page,
          token,
          email: link.email,
          typed: c.form.get('email'),
          errors: new Errors(e.issues),
          message: e.message,
        });
        return { status: 400, html };
      }
    },
  },
];
