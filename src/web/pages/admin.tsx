import { ROLES } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { VerifyResult } from '../../services/audit.ts';
import type { UserService } from '../../services/users.ts';
import { publicBaseUrl, type WebContext, type WebRoute } from '../context.ts';
import { Errors, Form, Input, Select } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

type User = Awaited<ReturnType<UserService['list']>>[number];

/** Something to show exactly once after an action (a token, a link), never stored for later display. */
interface Shown {
  title: string;
  secret?: string;
  text: string;
}

function AdminPage(props: {
  ctx: PageContext;
  /** The signed-in admin, who is not offered to disable themselves. */
  me: number | null;
  users: User[];
  sessions: Map<number, number>;
  audit: VerifyResult;
  requireSecondFactor: boolean;
  shown?: Shown;
  f?: Form;
  errors?: Errors;
  message?: string;
}): Html {
  const { ctx } = props;
  const errors = props.errors ?? new Errors();
  const Action = (p: { href: string; label: string; confirm?: string }) => (
    <form method="post" action={p.href} class="inline">
      <CsrfField ctx={ctx} />
      <button type="submit" class="small" data-confirm={p.confirm}>
        {p.label}
      </button>
    </form>
  );
  const ActiveUserActions = ({ u }: { u: User }) => (
    <>
      <Action href={`/admin/users/${u.id}/token`} label="Issue API token" />
      <Action href={`/admin/users/${u.id}/password-link`} label="Password link" />
      <Action
        href={`/admin/users/${u.id}/revoke-sessions`}
        label="Sign out everywhere"
        confirm={`End every session of ${u.email}?`}
      />
      {u.second_factor && (
        <Action
          href={`/admin/users/${u.id}/disable-totp`}
          label="Reset second factor"
          confirm={`Turn off the second factor of ${u.email}?`}
        />
      )}
      {u.id !== props.me && (
        <Action
          href={`/admin/users/${u.id}/disable`}
          label="Disable"
          confirm={`Disable ${u.email}? Their sessions end and their API tokens are revoked.`}
        />
      )}
    </>
  );
  return (
    <Layout ctx={ctx} title="Admin">
      <div class="page-head">
        <h1>Admin</h1>
        <p class="hint">
          <a href="/admin/portal">Agency portal: domain rules and registrations waiting for review</a>
        </p>
      </div>
      {props.shown && (
        <Notice kind="ok">
          <p>
            <strong>{props.shown.title}</strong> {props.shown.text}
          </p>
          {props.shown.secret && <p class="secret mono">{props.shown.secret}</p>}
        </Notice>
      )}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      <Section title="Audit log" id="audit">
        {props.audit.ok ? (
          <p>
            <span class="tag tag-ok">Verified</span> {props.audit.count.toLocaleString('en-US')} events; the
            chain is intact. Head <code class="mono">{props.audit.head.slice(0, 16)}…</code>
          </p>
        ) : (
          <Notice kind="error">
            The audit log does not verify at event {props.audit.firstBrokenSeq}: {props.audit.reason}.
          </Notice>
        )}
      </Section>
      <Section title="Sign-in" id="sign-in">
        <form method="post" action="/admin/settings/second-factor" class="inline">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="required" value={props.requireSecondFactor ? 'off' : 'on'} />
          <p>
            Second factor for local accounts:{' '}
            <strong>{props.requireSecondFactor ? 'required' : 'optional'}</strong>.{' '}
            {props.requireSecondFactor
              ? 'Anyone who signs in with a password and has none is sent to set one up before anything else.'
              : 'Require it to send everyone who signs in with a password and has none to set one up first.'}{' '}
            Single sign-on sessions are left to the identity provider.
          </p>
          <button type="submit" class="small">
            {props.requireSecondFactor ? 'Make it optional' : 'Require a second factor'}
          </button>
        </form>
      </Section>
      <Section title="Users" id="users">
        <div class="table-wrap stack-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Second factor</th>
                <th scope="col">Restricted matters</th>
                <th scope="col" class="num">
                  Sessions
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.users.map((u) => (
                <tr>
                  <td data-label="E-mail">
                    {u.email}{' '}
                    {u.disabled_at && <span class="tag tag-warn">disabled since {when(u.disabled_at)}</span>}
                    {u.locked_until && (
                      <span class="tag tag-warn">
                        locked until {when(u.locked_until)} (wrong second-factor codes)
                      </span>
                    )}
                    {u.id === props.me && <span class="hint">(you)</span>}
                  </td>
                  <td data-label="Role">
                    <form method="post" action={`/admin/users/${u.id}/role`} class="inline">
                      <CsrfField ctx={ctx} />
                      <label class="sr-only" for={`role-${u.id}`}>
                        Role of {u.email}
                      </label>
                      <select id={`role-${u.id}`} name="role">
                        {ROLES.map((r) => (
                          <option value={r} selected={r === u.role}>
                            {r}
                          </option>
                        ))}
                      </select>{' '}
                      <button type="submit" class="small">
                        Change
                      </button>
                    </form>
                  </td>
                  <td data-label="Second factor">{u.second_factor ? 'On' : 'Off'}</td>
                  <td data-label="Restricted matters">
                    <form method="post" action={`/admin/users/${u.id}/restricted`} class="inline">
                      <CsrfField ctx={ctx} />
                      {u.restricted ? 'Granted' : 'Not granted'}{' '}
                      <input type="hidden" name="grant" value={u.restricted ? 'off' : 'on'} />
                      <label class="sr-only" for={`restricted-reason-${u.id}`}>
                        Why (restricted-matters grant of {u.email})
                      </label>
                      <input
                        id={`restricted-reason-${u.id}`}
                        name="reason"
                        required
                        minlength="3"
                        maxlength="2000"
                        placeholder="why"
                      />{' '}
                      <button type="submit" class="small">
                        {u.restricted ? 'Revoke' : 'Grant'}
                      </button>
                    </form>
                  </td>
                  <td data-label="Sessions" class="num">
                    {props.sessions.get(u.id) ?? 0}
                  </td>
                  <td data-label="Actions" class="row-actions">
                    {u.disabled_at ? (
                      <Action
                        href={`/admin/users/${u.id}/enable`}
                        label="Enable"
                        confirm={`Let ${u.email} sign in again?`}
                      />
                    ) : (
                      <ActiveUserActions u={u} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Add a user" id="add-user">
        <form method="post" action="/admin/users" class="grid">
          <CsrfField ctx={ctx} />
          <Input
            name="email"
            label="E-mail"
            type="email"
            value={props.f?.get('email')}
            errors={errors}
            required
          />
          <Select
            name="role"
            label="Role"
            options={ROLES}
            value={props.f?.get('role') || 'viewer'}
            errors={errors}
            labelOf={(r) => r}
          />
          <div class="actions">
            <button type="submit" class="primary">
              Add user
            </button>
          </div>
        </form>
        <p class="hint">
          Viewers read; handlers record and update requests; approvers also approve; publishers freeze and
          publish reports; admins do everything and manage users.
        </p>
      </Section>
    </Layout>
  );
}

// Never the request's Host header: a forged Host would put an attacker's address in front of the token.
const origin = (c: WebContext) => publicBaseUrl(c.config);

async function page(c: WebContext, extra: Partial<Parameters<typeof AdminPage>[0]> = {}) {
  const [users, sessions, audit, requireSecondFactor] = await Promise.all([
    c.services.users.list(c.actor),
    c.services.auth.liveSessions(c.actor),
    c.services.audit.verify(c.actor),
    c.services.auth.secondFactorRequired(),
  ]);
  return AdminPage({
    ctx: c.page,
    me: c.actor.userId,
    users,
    sessions,
    audit,
    requireSecondFactor,
    ...extra,
  });
}

function userId(c: WebContext): number {
  const id = Number(c.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new CandorError('not_found', `no user ${c.params.id}`);
  return id;
}

async function emailOf(c: WebContext, id: number): Promise<string> {
  const u = (await c.services.users.list(c.actor)).find((x) => x.id === id);
  if (!u) throw new CandorError('not_found', `no user ${id}`);
  return u.email;
}

export const routes: WebRoute[] = [
  { method: 'GET', path: '/admin', access: 'user.manage', handler: (c) => page(c) },
  {
    method: 'POST',
    path: '/admin/users',
    access: 'user.manage',
    handler: async (c) => {
      try {
        const { user, token } = await c.services.users.add(
          c.actor,
          c.form.get('email'),
          c.form.get('role'),
          'issued in the web app',
        );
        const link = await c.services.auth.passwordLinkToken(c.actor, user.id);
        return page(c, {
          shown: {
            title: `${user.email} was added as ${user.role}.`,
            text: `Send them this one-time link to set a password (valid 24 hours). Their first API token is: ${token} — it is shown only now.`,
            secret: `${origin(c)}/setup/${link}`,
          },
        });
      } catch (e) {
        if (!(e instanceof CandorError) || (e.code !== 'invalid' && e.code !== 'conflict')) throw e;
        return {
          status: 400,
          html: await page(c, { f: c.form, errors: new Errors(e.issues), message: e.message }),
        };
      }
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/token',
    access: 'user.manage',
    handler: async (c) => {
      const email = await emailOf(c, userId(c));
      const token = await c.services.users.issueToken(c.actor, email, 'issued in the web app');
      return page(c, {
        shown: {
          title: `New API token for ${email}.`,
          text: 'Copy it now: it is shown only once.',
          secret: token,
        },
      });
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/password-link',
    access: 'user.manage',
    handler: async (c) => {
      const id = userId(c);
      const email = await emailOf(c, id);
      const link = await c.services.auth.passwordLinkToken(c.actor, id);
      return page(c, {
        shown: {
          title: `Password link for ${email}.`,
          text: 'It works once, for 24 hours; setting a password ends their sessions.',
          secret: `${origin(c)}/setup/${link}`,
        },
      });
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/revoke-sessions',
    access: 'user.manage',
    handler: async (c) => {
      const id = userId(c);
      const n = await c.services.auth.revokeAll(c.actor, id);
      return page(c, {
        shown: { title: 'Signed out.', text: `${n} session(s) of ${await emailOf(c, id)} ended.` },
      });
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/role',
    access: 'user.manage',
    handler: async (c) => {
      try {
        const r = await c.services.users.setRole(c.actor, userId(c), c.form.get('role'));
        return page(c, {
          shown: r.changed
            ? {
                title: `${r.email} is now ${r.role}.`,
                text: `Was ${r.was}; their sessions see the new role at once.`,
              }
            : { title: `${r.email} was already ${r.role}.`, text: 'Nothing changed.' },
        });
      } catch (e) {
        if (!(e instanceof CandorError) || !['invalid_state', 'invalid'].includes(e.code)) throw e;
        return { status: e.code === 'invalid' ? 400 : 409, html: await page(c, { message: e.message }) };
      }
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/disable',
    access: 'user.manage',
    handler: async (c) => {
      try {
        const r = await c.services.users.disable(c.actor, userId(c));
        return page(c, {
          shown: r.changed
            ? {
                title: `${r.email} was disabled.`,
                text: `${r.sessions} session(s) ended and ${r.tokens} API token(s) revoked; they cannot sign in until enabled again.`,
              }
            : { title: `${r.email} was already disabled.`, text: 'Nothing changed.' },
        });
      } catch (e) {
        if (!(e instanceof CandorError) || e.code !== 'invalid_state') throw e;
        return { status: 409, html: await page(c, { message: e.message }) };
      }
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/enable',
    access: 'user.manage',
    handler: async (c) => {
      const r = await c.services.users.enable(c.actor, userId(c));
      return page(c, {
        shown: r.changed
          ? {
              title: `${r.email} was enabled.`,
              text: 'They can sign in with their password again; issue a new API token if they need one.',
            }
          : { title: `${r.email} was not disabled.`, text: 'Nothing changed.' },
      });
    },
  },
  {
    // The restricted-matters grant (docs/workflow.md): need-to-know, so admins are not granted by their role.
    method: 'POST',
    path: '/admin/users/:id/restricted',
    access: 'user.manage',
    handler: async (c) => {
      const grant = c.form.get('grant') === 'on';
      try {
        const r = grant
          ? await c.services.users.grantRestricted(c.actor, userId(c), c.form.get('reason'))
          : await c.services.users.revokeRestricted(c.actor, userId(c), c.form.get('reason'));
        return page(c, {
          shown: {
            title: grant
              ? `${r.email} ${r.changed ? 'now sees' : 'already saw'} restricted matters.`
              : `${r.email} ${r.changed ? 'no longer sees' : 'did not see'} restricted matters.`,
            text: r.changed ? 'Recorded in the audit log with your reason.' : 'Nothing changed.',
          },
        });
      } catch (e) {
        if (!(e instanceof CandorError) || !['invalid_state', 'invalid'].includes(e.code)) throw e;
        return { status: e.code === 'invalid' ? 400 : 409, html: await page(c, { message: e.message }) };
      }
    },
  },
  {
    method: 'POST',
    path: '/admin/users/:id/disable-totp',
    access: 'user.manage',
    handler: async (c) => {
      const id = userId(c);
      await c.services.auth.resetTotp(c.actor, id);
      return page(c, {
        shown: {
          title: 'Second factor reset.',
          text: `${await emailOf(c, id)} signs in with the password alone until they enrol again (a lock from wrong codes ends too).`,
        },
      });
    },
  },
  {
    method: 'POST',
    path: '/admin/settings/second-factor',
    access: 'user.manage',
    handler: async (c) => {
      const on = c.form.get('required') === 'on';
      await c.services.auth.requireSecondFactor(c.actor, on);
      return page(c, {
        shown: on
          ? {
              title: 'A second factor is now required.',
              text: 'Local accounts without one enrol at their next page.',
            }
          : { title: 'The second factor is optional again.', text: 'Nobody is sent to enrol.' },
      });
    },
  },
];
