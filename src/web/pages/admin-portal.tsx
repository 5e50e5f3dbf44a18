import { domainRuleInput, refusalInput } from '../../domain/portal-domains.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import type { PortalAccounts } from '../../services/portal/accounts.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Checkbox, Errors, fieldsFor, Form } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

type Rule = Awaited<ReturnType<PortalAccounts['rules']>>[number];
type Pending = Awaited<ReturnType<PortalAccounts['pendingReviews']>>[number];

/** The agency portal's admin page: the domain allow-list and the registrations waiting for review. */
function PortalAdminPage(props: {
  ctx: PageContext;
  rules: Rule[];
  pending: Pending[];
  done?: string;
  message?: string;
  /** The form that failed, its values and errors: `rule`, or `refuse-<id>`. */
  failed?: { form: string; f: Form; errors: Errors };
}): Html {
  const { ctx } = props;
  const errorsOf = (form: string) => (props.failed?.form === form ? props.failed.errors : new Errors());
  const valueOf = (form: string, name: string) =>
    props.failed?.form === form ? props.failed.f.get(name) : undefined;
  const add = fieldsFor('rule');
  return (
    <Layout ctx={ctx} title="Agency portal">
      <div class="page-head">
        <h1>Agency portal</h1>
        <p class="hint">
          <a href="/admin">Admin</a> · officers register at <code>/portal</code> (docs/portal.md)
        </p>
      </div>
      {props.done && <Notice kind="ok">{props.done}</Notice>}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      <Section title="Registrations waiting for review" id="pending">
        {props.pending.length === 0 ? (
          <p>No registration is waiting. An address on a domain rule needs no review.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Officer</th>
                  <th scope="col">Agency</th>
                  <th scope="col">Registered</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {props.pending.map((u) => {
                  const form = `refuse-${u.id}`;
                  const F = fieldsFor(form);
                  return (
                    <tr>
                      <td data-label="Officer">
                        {u.name}, {u.title}
                        <br />
                        <span class="mono">{u.email}</span> · {u.phone}
                      </td>
                      <td data-label="Agency">
                        {u.agency} ({u.country})
                      </td>
                      <td data-label="Registered">{when(u.registered_at)}</td>
                      <td data-label="Decision" class="row-actions">
                        <form
                          method="post"
                          action={`/admin/portal/registrations/${u.id}/approve`}
                          class="inline"
                        >
                          <CsrfField ctx={ctx} />
                          <button type="submit" class="small" data-confirm={`Approve ${u.email}?`}>
                            Approve
                          </button>
                        </form>
                        <form method="post" action={`/admin/portal/registrations/${u.id}/refuse`}>
                          <CsrfField ctx={ctx} />
                          <F.TextArea
                            name="reason"
                            label="Reason for refusing (e-mailed to the officer)"
                            value={valueOf(form, 'reason')}
                            errors={errorsOf(form)}
                            rows={2}
                          />
                          <button type="submit" class="small">
                            Refuse
                          </button>
                        </form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Domain rules" id="rules">
        {props.rules.length === 0 ? (
          <p>No rules yet: every registration waits for review until you add one (for example .gov).</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Country</th>
                  <th scope="col">Added</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {props.rules.map((r) => (
                  <tr>
                    <td data-label="Rule" class="mono">
                      {r.rule}
                    </td>
                    <td data-label="Kind">
                      {r.kind === 'suffix' ? 'every domain under it' : 'this domain only'}
                    </td>
                    <td data-label="Country">{r.country ?? 'any'}</td>
                    <td data-label="Added">
                      {when(r.added_at)} by {r.added_by}
                    </td>
                    <td data-label="Actions" class="row-actions">
                      <form method="post" action={`/admin/portal/domains/${r.id}/remove`} class="inline">
                        <CsrfField ctx={ctx} />
                        <button
                          type="submit"
                          class="small"
                          data-confirm={`Remove ${r.rule}? New registrations under it will wait for review; existing accounts stay.`}
                        >
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Add a domain rule" id="add-rule">
        <form method="post" action="/admin/portal/domains" class="grid">
          <CsrfField ctx={ctx} />
          <add.Input
            name="domain"
            label="Domain"
            hint="fbi.gov for that domain only; .gov for every domain under it"
            value={valueOf('rule', 'domain')}
            errors={errorsOf('rule')}
            required
          />
          <add.Input
            name="country"
            label="Country (optional)"
            hint="ISO code, such as US or GB"
            value={valueOf('rule', 'country')}
            errors={errorsOf('rule')}
          />
          <Checkbox
            name="suffix"
            label="Suffix rule without a leading dot (police.uk)"
            checked={props.failed?.form === 'rule' && props.failed.f.get('suffix') === 'on'}
          />
          <div class="actions">
            <button type="submit" class="primary">
              Add rule
            </button>
          </div>
        </form>
      </Section>
    </Layout>
  );
}

async function page(c: WebContext, extra: Partial<Parameters<typeof PortalAdminPage>[0]> = {}) {
  const [rules, pending] = await Promise.all([
    c.services.portal.accounts.rules(c.actor),
    c.services.portal.accounts.pendingReviews(c.actor),
  ]);
  return PortalAdminPage({ ctx: c.page, rules, pending, ...extra });
}

function id(c: WebContext): number {
  const n = Number(c.params.id);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647)
    throw new CandorError('not_found', `no such record ${c.params.id}`);
  return n;
}

/** An `invalid` (or `conflict`) refusal shows the page again with the form's values and errors (400). */
async function orRefused(c: WebContext, form: string, fn: () => Promise<string>) {
  try {
    return page(c, { done: await fn() });
  } catch (e) {
    if (!(e instanceof CandorError) || (e.code !== 'invalid' && e.code !== 'conflict')) throw e;
    return {
      status: e.code === 'conflict' ? 409 : 400,
      html: await page(c, { message: e.message, failed: { form, f: c.form, errors: new Errors(e.issues) } }),
    };
  }
}

export const routes: WebRoute[] = [
  { method: 'GET', path: '/admin/portal', access: 'portal.manage', handler: (c) => page(c) },
  {
    method: 'POST',
    path: '/admin/portal/domains',
    access: 'portal.manage',
    handler: (c) =>
      orRefused(c, 'rule', async () => {
        const parsed = domainRuleInput.safeParse({
          domain: c.form.get('domain'),
          suffix: c.form.get('suffix') === 'on',
          country: c.form.get('country'),
        });
        if (!parsed.success)
          throw new CandorError('invalid', 'the rule is not valid', zodIssues(parsed.error.issues));
        const r = await c.services.portal.accounts.addRule(c.actor, parsed.data.domain, parsed.data);
        return `Added ${r.rule}: officers under it are active once they confirm their address.`;
      }),
  },
  {
    method: 'POST',
    path: '/admin/portal/domains/:id/remove',
    access: 'portal.manage',
    handler: async (c) => {
      await c.services.portal.accounts.removeRule(c.actor, id(c));
      return page(c, { done: 'The rule was removed. Accounts it admitted stay active.' });
    },
  },
  {
    method: 'POST',
    path: '/admin/portal/registrations/:id/approve',
    access: 'portal.manage',
    handler: async (c) => {
      await c.services.portal.accounts.approve(c.actor, id(c));
      return page(c, { done: 'Approved: the officer was told by e-mail and can sign in.' });
    },
  },
  {
    method: 'POST',
    path: '/admin/portal/registrations/:id/refuse',
    access: 'portal.manage',
    handler: (c) =>
      orRefused(c, `refuse-${c.params.id}`, async () => {
        const parsed = refusalInput.safeParse({ reason: c.form.get('reason') });
        if (!parsed.success)
          throw new CandorError(
            'invalid',
            'reason: required; it is e-mailed to the officer',
            zodIssues(parsed.error.issues),
          );
        await c.services.portal.accounts.refuse(c.actor, id(c), parsed.data.reason);
        return 'Refused: the reason was e-mailed to the officer.';
      }),
  },
];
