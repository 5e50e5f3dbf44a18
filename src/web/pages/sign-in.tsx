import { CandorError } from '../../errors.ts';
import { AUTH_POLICY } from '../../services/auth.ts';
import {
  PENDING_COOKIE,
  redirect,
  safeNext,
  SESSION_COOKIE,
  type WebContext,
  type WebRoute,
} from '../context.ts';
import { Errors, Input } from '../forms.tsx';
import type { Html } from '../jsx/jsx-runtime.ts';
import { CsrfField, Layout, Notice, type PageContext } from '../layout.tsx';

const SESSION_MAX_AGE = AUTH_POLICY.absoluteHours * 3600;

function SignInPage(props: { ctx: PageContext; email?: string; message?: string; next: string }): Html {
  return (
    <Layout ctx={props.ctx} title="Sign in" narrow>
      <div class="card auth">
        <h1>Sign in</h1>
        <p class="lede">Candor keeps the record of government requests for customer information.</p>
        {props.message && <Notice kind="error">{props.message}</Notice>}
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
          <Input name="password" label="Password" type="password" autocomplete="current-password" required />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
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

function signedIn(c: WebContext, token: string) {
  c.setCookie(SESSION_COOKIE, token, SESSION_MAX_AGE);
  c.clearCookie(PENDING_COOKIE);
  return redirect(nextOf(c));
}

const REFUSED = {
  bad_credentials: 'The e-mail or password is not right.',
  rate_limited: `Too many failed attempts. Wait ${AUTH_POLICY.failureWindowMinutes} minutes and try again.`,
  locked: `This account is locked for ${AUTH_POLICY.lockMinutes} minutes after too many wrong codes. An administrator can reset its second factor.`,
};

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/login',
    access: 'public',
    handler: async (c) => (c.session ? redirect('/') : SignInPage({ ctx: c.page, next: nextOf(c) })),
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
      const status = r.reason === 'bad_credentials' ? 401 : 429;
      return {
        status,
        html: SignInPage({ ctx: c.page, email, message: REFUSED[r.reason], next: nextOf(c) }),
      };
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
      const status = r.kind === 'refused' && r.reason !== 'bad_credentials' ? 429 : 401;
      return { status, html: SecondFactorPage({ ctx: c.page, message, next: nextOf(c) }) };
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
