import { CandorError } from '../../errors.ts';
import { AUTH_POLICY } from '../../services/auth.ts';
import { redirect, SESSION_COOKIE, type WebContext, type WebRoute } from '../context.ts';
import { REMINDER_MODES, type ReminderMode } from '../../domain/vocabulary.ts';
import type { ReminderService } from '../../services/reminders.ts';
import { Errors, Input, Select } from '../forms.tsx';
import { when } from '../labels.ts';
import type { Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

const DONE: Record<string, string> = {
  password: 'Your password was changed; your other sessions were ended.',
  totp: 'The second factor is on. You will be asked for a code at every sign-in.',
  'totp-off': 'The second factor is off.',
  reminders: 'Your reminder setting was saved.',
};

const REMINDER_LABELS: Record<ReminderMode, string> = {
  each: 'One e-mail per deadline (when near, and when passed)',
  digest: 'A daily digest',
  off: 'No reminders',
};

type Reminders = Awaited<ReturnType<ReminderService['mine']>>;

function RemindersSection(props: { ctx: PageContext; reminders: Reminders; errors: Errors }): Html {
  const r = props.reminders;
  const policy = r.policy;
  return (
    <Section title="Reminders" id="reminders">
      <p>
        E-mails about the deadlines of requests assigned to you (and of emergencies, if you may approve them):{' '}
        {policy.nearHours} hours before a deadline and once it has passed; a digest comes daily from{' '}
        {String(policy.digestHourUtc).padStart(2, '0')}:00 UTC and lists what is overdue or due within{' '}
        {policy.nearHours} hours.
      </p>
      <form method="post" action="/account/reminders">
        <CsrfField ctx={props.ctx} />
        <Select
          name="reminders"
          label="Send me"
          options={REMINDER_MODES}
          value={r.mode}
          labelOf={(m) => REMINDER_LABELS[m as ReminderMode]}
          errors={props.errors}
        />
        <button type="submit">Save</button>
      </form>
      {r.recent.length > 0 && (
        <table class="compact">
          <caption>Your latest reminders</caption>
          <thead>
            <tr>
              <th>Queued</th>
              <th>Subject</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {r.recent.map((x) => (
              <tr>
                <td>{when(x.created_at)}</td>
                <td>{x.subject}</td>
                <td>{x.status.replace('_', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function AccountPage(props: {
  ctx: PageContext;
  reminders: Reminders;
  done?: string;
  errors?: Errors;
  message?: string;
}): Html {
  const s = props.ctx.session;
  if (!s) throw new CandorError('unauthenticated', 'sign in first');
  const errors = props.errors ?? new Errors();
  return (
    <Layout ctx={props.ctx} title="Your account">
      <div class="page-head">
        <h1>Your account</h1>
        <p class="lede">
          {s.email} · {s.actor.role}
        </p>
      </div>
      {props.done && DONE[props.done] && <Notice kind="ok">{DONE[props.done]}</Notice>}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      <div class="columns">
        <Section title="Change password" id="password">
          <form method="post" action="/account/password">
            <CsrfField ctx={props.ctx} />
            <Input
              name="current"
              label="Current password"
              type="password"
              autocomplete="current-password"
              errors={errors}
              required
            />
            <Input
              name="password"
              label="New password"
              type="password"
              autocomplete="new-password"
              hint={`At least ${AUTH_POLICY.minPasswordLength} characters.`}
              errors={errors}
              required
            />
            <button type="submit" class="primary">
              Change password
            </button>
          </form>
        </Section>
        <div>
          <Section title="Second factor" id="totp">
            {s.hasSecondFactor ? (
              <form method="post" action="/account/totp/disable">
                <CsrfField ctx={props.ctx} />
                <p>
                  <span class="tag tag-ok">On</span> Sign-in asks for a code from your authenticator app. To
                  turn it off, confirm with your password and a current code.
                </p>
                <Input
                  name="totp_password"
                  label="Password"
                  type="password"
                  autocomplete="current-password"
                  errors={errors}
                  required
                />
                <Input
                  name="totp_code"
                  label="Code"
                  inputmode="numeric"
                  autocomplete="one-time-code"
                  errors={errors}
                  required
                />
                <button type="submit" data-confirm="Turn off the second factor?">
                  Turn off
                </button>
              </form>
            ) : (
              <p>
                <span class="tag">Off</span> Protect your account with a code from an authenticator app.{' '}
                <a class="button" href="/account/totp">
                  Set up
                </a>
              </p>
            )}
          </Section>
          <RemindersSection ctx={props.ctx} reminders={props.reminders} errors={errors} />
          <Section title="Sessions" id="sessions">
            <form method="post" action="/account/sign-out-everywhere">
              <CsrfField ctx={props.ctx} />
              <p>
                Sessions end after {AUTH_POLICY.idleMinutes} minutes without activity and after{' '}
                {AUTH_POLICY.absoluteHours} hours in any case.
              </p>
              <button type="submit" data-confirm="Sign out on every device, including this one?">
                Sign out everywhere
              </button>
            </form>
          </Section>
        </div>
      </div>
    </Layout>
  );
}

function TotpPage(props: {
  ctx: PageContext;
  secret: string;
  uri: string;
  errors?: Errors;
  required?: boolean;
}): Html {
  return (
    <Layout ctx={props.ctx} title="Set up a second factor" narrow>
      <div class="card">
        <h1>Set up a second factor</h1>
        {props.required && (
          <Notice kind="error">
            An administrator requires a second factor for every account that signs in with a password. Set it
            up to continue.
          </Notice>
        )}
        <ol class="steps">
          <li>
            In your authenticator app, add an account by entering this key:
            <p class="secret mono">{props.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
            or open this link on the device holding the app:
            <p class="secret mono small">{props.uri}</p>
          </li>
          <li>Enter the 6-digit code the app shows.</li>
        </ol>
        <form method="post" action="/account/totp">
          <CsrfField ctx={props.ctx} />
          <input type="hidden" name="secret" value={props.secret} />
          <Input
            name="code"
            label="Code"
            inputmode="numeric"
            autocomplete="one-time-code"
            errors={props.errors}
            required
          />
          <button type="submit" class="primary">
            Turn on
          </button>
        </form>
      </div>
    </Layout>
  );
}

async function renderInvalid(c: WebContext, e: unknown) {
  if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
  return {
    status: 400,
    html: AccountPage({
      ctx: c.page,
      reminders: await c.services.reminders.mine(c.actor),
      errors: new Errors(e.issues),
      message: e.message,
    }),
  };
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/account',
    access: 'signed_in',
    handler: async (c) =>
      AccountPage({
        ctx: c.page,
        reminders: await c.services.reminders.mine(c.actor),
        done: c.query.get('done'),
      }),
  },
  {
    method: 'POST',
    path: '/account/reminders',
    access: 'signed_in',
    handler: async (c) => {
      try {
        await c.services.reminders.setMine(c.actor, c.form.get('reminders'));
        return redirect('/account?done=reminders#reminders');
      } catch (e) {
        return renderInvalid(c, e);
      }
    },
  },
  {
    method: 'POST',
    path: '/account/password',
    access: 'signed_in',
    handler: async (c) => {
      try {
        const token = await c.services.auth.changePassword(
          c.actor,
          c.form.rawValue('current'),
          c.form.rawValue('password'),
          c.userAgent,
        );
        c.setCookie(SESSION_COOKIE, token, AUTH_POLICY.absoluteHours * 3600);
        return redirect('/account?done=password');
      } catch (e) {
        return renderInvalid(c, e);
      }
    },
  },
  {
    method: 'GET',
    path: '/account/totp',
    access: 'signed_in',
    handler: async (c) => {
      const { secret, uri } = c.services.auth.newTotpSecret(c.session?.email ?? '');
      return TotpPage({ ctx: c.page, secret, uri, required: c.session?.mustEnrol === true });
    },
  },
  {
    method: 'POST',
    path: '/account/totp',
    access: 'signed_in',
    handler: async (c) => {
      const secret = c.form.get('secret');
      try {
        await c.services.auth.enableTotp(c.actor, secret, c.form.get('code'));
        return redirect('/account?done=totp');
      } catch (e) {
        if (!(e instanceof CandorError) || e.code !== 'invalid' || !e.issues.length) throw e;
        const { uri } = c.services.auth.newTotpSecret(c.session?.email ?? '');
        const sameUri = uri.replace(/secret=[A-Z2-7]+/, `secret=${secret}`);
        return {
          status: 400,
          html: TotpPage({
            ctx: c.page,
            secret,
            uri: sameUri,
            errors: new Errors(e.issues),
            required: c.session?.mustEnrol === true,
          }),
        };
      }
    },
  },
  {
    method: 'POST',
    path: '/account/totp/disable',
    access: 'signed_in',
    handler: async (c) => {
      try {
        await c.services.auth.disableOwnTotp(
          c.actor,
          c.form.rawValue('totp_password'),
          c.form.get('totp_code'),
        );
        return redirect('/account?done=totp-off');
      } catch (e) {
        // The form's fields are named totp_*, so its errors do not land beside the password form's.
        if (e instanceof CandorError)
          e.issues.forEach((i) => (i.field = i.field === 'password' ? 'totp_password' : 'totp_code'));
        return renderInvalid(c, e);
      }
    },
  },
  {
    method: 'POST',
    path: '/account/sign-out-everywhere',
    access: 'signed_in',
    handler: async (c) => {
      await c.services.auth.revokeAll(c.actor, c.actor.userId ?? 0);
      c.clearCookie(SESSION_COOKIE);
      return redirect('/login');
    },
  },
];
