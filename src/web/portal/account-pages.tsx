import { country, COUNTRY_CODES } from '../../domain/countries.ts';
import { CandorError } from '../../errors.ts';
import { PORTAL_POLICY } from '../../services/portal/common.ts';
import { Errors, Form, Input, Select } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import type { PortalContext, PortalPage, PortalRoute } from './context.ts';
import { Info, PortalCsrf, PortalLayout } from './layout.tsx';

/** A honeypot: hidden from people by the stylesheet, filled in by form-filling robots. */
function Honeypot(): Html {
  return (
    <div class="p-hp" aria-hidden="true">
      <label for="f-website">Leave this field empty</label>
      <input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" />
    </div>
  );
}

const issuesOf = (e: unknown) =>
  e instanceof CandorError && e.code === 'invalid' ? new Errors(e.issues) : null;

function Landing(props: { page: PortalPage }): Html {
  return (
    <PortalLayout page={props.page} title="Law enforcement requests">
      <p>
        Officers of government agencies send legal process and emergency requests for customer data here,
        follow them, and receive the records produced.
      </p>
      <p class="p-actions">
        <a class="p-button" href="/portal/sign-in">
          Sign in
        </a>
        <a class="p-button p-secondary" href="/portal/register">
          Register with your official e-mail address
        </a>
      </p>
      <p>
        New here? Read the <a href="/portal/guide">officer guide</a> (one page).
      </p>
    </PortalLayout>
  );
}

function RegisterPage(props: { page: PortalPage; f?: Form; errors?: Errors }): Html {
  const f = props.f ?? new Form();
  const e = props.errors ?? new Errors();
  return (
    <PortalLayout page={props.page} title="Register">
      <p>Use your official agency e-mail address: we send a link to it to confirm it is yours.</p>
      {e.size > 0 && <Info kind="error">Correct the fields marked below.</Info>}
      <form method="post" action="/portal/register" class="p-form">
        <PortalCsrf page={props.page} />
        <Input
          name="email"
          label="Official e-mail address"
          type="email"
          value={f.get('email')}
          errors={e}
          autocomplete="email"
          required
        />
        <Input name="name" label="Full name" value={f.get('name')} errors={e} autocomplete="name" required />
        <Input name="title" label="Rank or title" value={f.get('title')} errors={e} required />
        <Input
          name="agency"
          label="Agency"
          value={f.get('agency')}
          errors={e}
          autocomplete="organization"
          required
        />
        <Input
          name="phone"
          label="Work telephone"
          type="tel"
          value={f.get('phone')}
          errors={e}
          autocomplete="tel"
          required
        />
        <Select
          name="country"
          label="Country of your agency"
          options={[...COUNTRY_CODES].sort((a, b) => country(a).name.localeCompare(country(b).name))}
          labelOf={(c) => country(c).name}
          value={f.get('country') || 'US'}
          errors={e}
        />
        <Honeypot />
        <button type="submit">Register</button>
      </form>
    </PortalLayout>
  );
}

const CheckMail = (page: PortalPage, what: string) => (
  <PortalLayout page={page} title="Check your e-mail">
    <Info kind="ok">{what}</Info>
    <p>The link works once. If nothing arrives in a few minutes, check your spam folder, then try again.</p>
  </PortalLayout>
);

function Confirm(props: {
  page: PortalPage;
  title: string;
  action: string;
  button: string;
  text: string;
}): Html {
  return (
    <PortalLayout page={props.page} title={props.title}>
      <p>{props.text}</p>
      <form method="post" action={props.action} class="p-form">
        <PortalCsrf page={props.page} />
        <button type="submit">{props.button}</button>
      </form>
    </PortalLayout>
  );
}

function SignInPage(props: { page: PortalPage; errors?: Errors; email?: string }): Html {
  const e = props.errors ?? new Errors();
  return (
    <PortalLayout page={props.page} title="Sign in">
      <p>We e-mail you a sign-in link; then you enter the code from your authenticator app.</p>
      <form method="post" action="/portal/sign-in" class="p-form">
        <PortalCsrf page={props.page} />
        <Input
          name="email"
          label="Official e-mail address"
          type="email"
          value={props.email}
          errors={e}
          autocomplete="email"
          required
        />
        <Honeypot />
        <button type="submit">E-mail me a sign-in link</button>
      </form>
      <p>
        No account yet? <a href="/portal/register">Register</a>.
      </p>
    </PortalLayout>
  );
}

function EnrolPage(props: { page: PortalPage; secret: string; uri: string; errors?: Errors }): Html {
  return (
    <PortalLayout page={props.page} title="Set up your second factor">
      <p>
        Every sign-in after this one asks for a code from an authenticator app. Add this key to your app (type
        it, or open the link on the phone that has the app), then enter the 6-digit code it shows.
      </p>
      <p class="p-secret">{props.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
      <p class="p-small">
        <a href={props.uri}>Open in authenticator app</a>
      </p>
      <form method="post" action="/portal/enrol" class="p-form">
        <PortalCsrf page={props.page} />
        <input type="hidden" name="secret" value={props.secret} />
        <Input
          name="code"
          label="Code from your app"
          inputmode="numeric"
          autocomplete="one-time-code"
          errors={props.errors}
          required
        />
        <button type="submit">Confirm</button>
      </form>
    </PortalLayout>
  );
}

function CodePage(props: { page: PortalPage; errors?: Errors }): Html {
  return (
    <PortalLayout page={props.page} title="Enter your code">
      <form method="post" action="/portal/code" class="p-form">
        <PortalCsrf page={props.page} />
        <Input
          name="code"
          label="Code from your authenticator app"
          inputmode="numeric"
          autocomplete="one-time-code"
          errors={props.errors}
          required
        />
        <button type="submit">Sign in</button>
      </form>
    </PortalLayout>
  );
}

const enrolFor = (c: PortalContext, errors?: Errors, secret?: string) => {
  const s =
    secret && /^[A-Z2-7]{32}$/.test(secret)
      ? { secret, uri: '' }
      : c.services.portal.sessions.newTotpSecret(c.session?.officer.email ?? '', c.config.providerName);
  const uri =
    s.uri ||
    c.services.portal.sessions
      .newTotpSecret(c.session?.officer.email ?? '', c.config.providerName)
      .uri.replace(/secret=[A-Z2-7]+/, `secret=${s.secret}`);
  return EnrolPage({ page: c.page, secret: s.secret, uri, errors });
};

export const routes: PortalRoute[] = [
  {
    method: 'GET',
    path: '/portal/register',
    access: 'public',
    handler: async (c) => RegisterPage({ page: c.page }),
  },
  {
    method: 'POST',
    path: '/portal/register',
    access: 'public',
    handler: async (c) => {
      const sent = CheckMail(
        c.page,
        'If the address can register, we sent it a link to confirm it. Open it to continue.',
      );
      if (c.form.get('website') !== '') return sent;
      const f = c.form;
      try {
        await c.services.portal.accounts.register(
          {
            email: f.get('email'),
            name: f.get('name'),
            title: f.get('title'),
            agency: f.get('agency'),
            phone: f.get('phone'),
            country: f.get('country'),
          },
          c.ip,
        );
      } catch (e) {
        const errors = issuesOf(e);
        if (errors) return { status: 400, html: RegisterPage({ page: c.page, f, errors }) };
        throw e;
      }
      return sent;
    },
  },
  {
    method: 'GET',
    path: '/portal/verify/:token',
    access: 'public',
    handler: async (c) =>
      Confirm({
        page: c.page,
        title: 'Confirm your address',
        action: `/portal/verify/${encodeURIComponent(c.params.token ?? '')}`,
        button: 'Confirm my address',
        text: 'Press the button to confirm this e-mail address is yours.',
      }),
  },
  {
    method: 'POST',
    path: '/portal/verify/:token',
    access: 'public',
    handler: async (c) => {
      const r = await c.services.portal.accounts.verify(c.params.token ?? '');
      if ('pending' in r)
        return (
          <PortalLayout page={c.page} title="Address confirmed">
            <Info kind="ok">
              Your address is confirmed. Its domain is not on our list of agency domains, so our legal team
              reviews your registration; we e-mail you the decision.
            </Info>
          </PortalLayout>
        );
      c.setSession(r.session);
      return { redirect: '/portal/enrol' };
    },
  },
  {
    method: 'GET',
    path: '/portal/sign-in',
    access: 'public',
    handler: async (c) => SignInPage({ page: c.page }),
  },
  {
    method: 'POST',
    path: '/portal/sign-in',
    access: 'public',
    handler: async (c) => {
      const sent = CheckMail(
        c.page,
        `If this address has an active account, we sent it a sign-in link (valid ${PORTAL_POLICY.signInLinkMinutes} minutes).`,
      );
      if (c.form.get('website') !== '') return sent;
      try {
        await c.services.portal.sessions.requestLink(c.form.get('email'), c.ip);
      } catch (e) {
        const errors = issuesOf(e);
        if (errors)
          return { status: 400, html: SignInPage({ page: c.page, errors, email: c.form.get('email') }) };
        throw e;
      }
      return sent;
    },
  },
  {
    method: 'GET',
    path: '/portal/sign-in/:token',
    access: 'public',
    handler: async (c) =>
      Confirm({
        page: c.page,
        title: 'Sign in',
        action: `/portal/sign-in/${encodeURIComponent(c.params.token ?? '')}`,
        button: 'Continue signing in',
        text: 'Press the button to continue signing in.',
      }),
  },
  {
    method: 'POST',
    path: '/portal/sign-in/:token',
    access: 'public',
    handler: async (c) => {
      const token = await c.services.portal.sessions.useLink(c.params.token ?? '');
      if (c.token) await c.services.portal.sessions.signOut(c.token);
      c.setSession(token);
      return { redirect: '/portal/code' };
    },
  },
  {
    method: 'GET',
    path: '/portal/enrol',
    access: 'pending',
    handler: async (c) => (c.session?.stage === 'enrol' ? enrolFor(c) : { redirect: '/portal/code' }),
  },
  {
    method: 'POST',
    path: '/portal/enrol',
    access: 'pending',
    handler: async (c) => {
      try {
        c.setSession(
          await c.services.portal.sessions.enrol(
            c.token!,
            c.session!,
            c.form.get('secret'),
            c.form.get('code'),
          ),
        );
      } catch (e) {
        const errors = issuesOf(e);
        if (errors) return { status: 400, html: enrolFor(c, errors, c.form.get('secret')) };
        throw e;
      }
      return { redirect: '/portal' };
    },
  },
  {
    method: 'GET',
    path: '/portal/code',
    access: 'pending',
    handler: async (c) =>
      c.session?.stage === 'enrol' ? { redirect: '/portal/enrol' } : CodePage({ page: c.page }),
  },
  {
    method: 'POST',
    path: '/portal/code',
    access: 'pending',
    handler: async (c) => {
      try {
        c.setSession(await c.services.portal.sessions.secondFactor(c.token!, c.session!, c.form.get('code')));
      } catch (e) {
        const errors = issuesOf(e);
        if (errors) return { status: 400, html: CodePage({ page: c.page, errors }) };
        throw e;
      }
      return { redirect: '/portal' };
    },
  },
  {
    method: 'POST',
    path: '/portal/sign-out',
    access: 'public',
    handler: async (c) => {
      if (c.token) await c.services.portal.sessions.signOut(c.token);
      c.setSession(null);
      return { redirect: '/portal/sign-in' };
    },
  },
];

export { Landing };
