import { accountRef } from '../../domain/notice-template.ts';
import { CandorError, type FieldIssue } from '../../errors.ts';
import { can, type Actor } from '../../services/authorize.ts';
import type { AuditService } from '../../services/audit.ts';
import type { NoticeService } from '../../services/notices/index.ts';
import { FORM_BODY_LIMIT, type WebContext, type WebRoute } from '../context.ts';
import { Errors, Form, Input, TextArea } from '../forms.tsx';
import { History } from '../history.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

type Contact = Awaited<ReturnType<NoticeService['searchContacts']>>['items'][number];
type Timeline = Awaited<ReturnType<AuditService['timeline']>>;

/** Contacts per page of the lookup: there may be hundreds of thousands, so the page never lists them all. */
const PAGE_SIZE = 50;
/** Problems of a refused import shown on the page; the rest are counted. */
const SHOWN_PROBLEMS = 100;

const viewHref = (account: string) => `/contacts/view?account=${encodeURIComponent(account)}`;
const listHref = (q: string, after?: string) => {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (after !== undefined) p.set('after', after);
  const s = p.toString();
  return s ? `/contacts?${s}` : '/contacts';
};

/** A refused import: why, each problem (line and column), and the pasted text, shown again. */
interface ImportFailed {
  message: string;
  issues: FieldIssue[];
  csv: string;
}

function problem(i: FieldIssue): string {
  const where = i.line !== undefined ? `Line ${i.line}, ${i.field}` : i.field;
  return `${where}: ${i.message}${i.value ? ` (“${i.value}”)` : ''}`;
}

function ImportForm(props: { ctx: PageContext; failed?: ImportFailed }): Html {
  const f = props.failed;
  const limit = `${FORM_BODY_LIMIT / 1024 / 1024} MiB`;
  return (
    <Section title="Import contacts from CSV" id="import">
      <p>
        Paste a CSV file with the header <code class="mono">account_ref,email,name,language</code> (name and
        language may be empty; the language defaults to <code class="mono">en</code>). An account already on
        file gets the new values. All or nothing: if any line is wrong, nothing is imported and every problem
        is listed with its line and column.
      </p>
      {f && <Notice kind="error">{f.message}</Notice>}
      {f && f.issues.length > 0 && (
        <ul class="problems">
          {f.issues.slice(0, SHOWN_PROBLEMS).map((i) => (
            <li>{problem(i)}</li>
          ))}
          {f.issues.length > SHOWN_PROBLEMS && <li>… and {f.issues.length - SHOWN_PROBLEMS} more.</li>}
        </ul>
      )}
      <form method="post" action="/contacts/import">
        <CsrfField ctx={props.ctx} />
        <TextArea
          name="csv"
          label="CSV"
          value={f?.csv}
          rows={10}
          hint={`At most ${limit} as the browser sends it, which is about 800 KB of CSV (some 15,000 contacts). For a larger file use the command line: candor contact import FILE.`}
          errors={f ? new Errors([{ field: 'csv', message: 'Nothing was imported.' }]) : undefined}
          wide
        />
        <div class="actions">
          <button type="submit" class="button primary">
            Import
          </button>
        </div>
      </form>
    </Section>
  );
}

function ContactsPage(props: {
  ctx: PageContext;
  actor: Actor;
  q: string;
  after?: string;
  items: Contact[];
  next: string | null;
  flash?: string;
  importFailed?: ImportFailed;
}): Html {
  const { q } = props;
  const manage = can(props.actor, 'contact.manage');
  // The exact reference sorts first among those it starts, so the first page shows whether it is on file.
  const exact = props.after === undefined && props.items[0]?.account_ref === q;
  return (
    <Layout ctx={props.ctx} title="Contacts">
      <div class="page-head">
        <h1>Contacts</h1>
        <p class="lede">
          Where each account's customer notices go: one e-mail address, an optional name and the language of
          the notice. Every change is in the audit log.
        </p>
      </div>
      {props.flash && <Notice kind="ok">{props.flash}</Notice>}
      <form method="get" action="/contacts" class="card filters" role="search">
        <div class="filter-row">
          <div class="field grow">
            <label for="f-q">Account reference starts with</label>
            <input
              id="f-q"
              name="q"
              type="search"
              value={q}
              maxlength="200"
              autocomplete="off"
              aria-describedby="f-q-hint"
            />
            <p class="hint" id="f-q-hint">
              Exactly as recorded, upper and lower case alike. Empty lists every contact, {PAGE_SIZE} at a
              time.
            </p>
          </div>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            Look up
          </button>
          {(q || props.after !== undefined) && <a href="/contacts">Clear</a>}
        </div>
      </form>
      {q && !exact && props.after === undefined && (
        <Notice kind="info">
          No contact on file for exactly <span class="mono">{q}</span>.{' '}
          {manage && <a href={viewHref(q)}>Add a contact for {q}</a>}
        </Notice>
      )}
      {props.items.length === 0 ? (
        <p class="empty">{q ? 'No account reference starts with that.' : 'No contacts yet.'}</p>
      ) : (
        <div class="card table-card">
          <div class="table-wrap">
            <table class="contacts">
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Name</th>
                  <th scope="col">Language</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((c) => (
                  <tr>
                    <td data-label="Account" class="mono">
                      <a href={viewHref(c.account_ref)}>{c.account_ref}</a>
                    </td>
                    <td data-label="E-mail">{c.email}</td>
                    <td data-label="Name">{c.name ?? '—'}</td>
                    <td data-label="Language">{c.language}</td>
                    <td data-label="Updated">{when(c.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        {props.after !== undefined ? (
          <a href={listHref(q)}>← First page</a>
        ) : (
          <span class="disabled">← First page</span>
        )}
        {props.next !== null ? (
          <a href={listHref(q, props.next)} rel="next">
            Next →
          </a>
        ) : (
          <span class="disabled">Next →</span>
        )}
      </nav>
      {manage && <ImportForm ctx={props.ctx} failed={props.importFailed} />}
    </Layout>
  );
}

/** A refused save: the message, the errors beside the fields, the input kept. */
interface SaveFailed {
  message: string;
  errors: Errors;
  input: Form;
}

function ContactPage(props: {
  ctx: PageContext;
  actor: Actor;
  account: string;
  contact: Contact | undefined;
  timeline: Timeline;
  flash?: string;
  failed?: SaveFailed;
}): Html {
  const { account, contact: c, failed: f } = props;
  const v = f?.input;
  return (
    <Layout ctx={props.ctx} title={`Contact of ${account}`}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/contacts">Contacts</a> / <span class="mono">{account}</span>
      </nav>
      <div class="page-head">
        <h1>
          Contact of <span class="mono">{account}</span>
        </h1>
      </div>
      {props.flash && <Notice kind="ok">{props.flash}</Notice>}
      <Section title="On file" id="contact">
        {c ? (
          <dl class="facts">
            <div>
              <dt>E-mail</dt>
              <dd>{c.email}</dd>
            </div>
            <div>
              <dt>Name</dt>
              <dd>{c.name ?? '—'}</dd>
            </div>
            <div>
              <dt>Language</dt>
              <dd>{c.language}</dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>{when(c.updated_at)}</dd>
            </div>
          </dl>
        ) : (
          <p class="empty">No contact on file: no customer notice can go to this account.</p>
        )}
      </Section>
      {can(props.actor, 'contact.manage') && (
        <Section title={c ? 'Change the contact' : 'Add a contact'} id="edit">
          <form method="post" action="/contacts/save" class="grid">
            <CsrfField ctx={props.ctx} />
            <input type="hidden" name="account_ref" value={account} />
            {/* The version of the contact this form showed: saving over someone else's change is refused. */}
            <input type="hidden" name="expected" value={c?.updated_at ?? ''} />
            {f && (
              <div class="wide">
                <Notice kind="error">{f.message}</Notice>
              </div>
            )}
            <Input
              name="email"
              label="E-mail"
              type="email"
              value={v ? v.get('email') : c?.email}
              errors={f?.errors}
              autocomplete="off"
              required
            />
            <Input
              name="name"
              label="Name (optional)"
              value={v ? v.get('name') : (c?.name ?? '')}
              errors={f?.errors}
            />
            <Input
              name="language"
              label="Language"
              value={v ? v.get('language') : (c?.language ?? 'en')}
              hint="Of the notice: a BCP 47 tag such as en, de or pt-BR."
              errors={f?.errors}
            />
            <div class="actions wide">
              <button type="submit" class="button primary">
                Save contact
              </button>
            </div>
          </form>
        </Section>
      )}
      <Section title="History" id="history">
        {props.timeline.length === 0 ? (
          <p class="empty">No changes recorded.</p>
        ) : (
          <History events={props.timeline} />
        )}
      </Section>
    </Layout>
  );
}

/** The page's query: a prefix (trimmed, as references are stored trimmed) and the keyset position. */
function listQuery(c: WebContext): { q: string; after?: string } {
  const q = c.query.get('q');
  if (q.length > 200) throw new CandorError('invalid', 'An account reference has at most 200 characters.');
  const after = c.query.has('after') ? c.query.rawValue('after') : undefined;
  return { q, after: after && after.length <= 200 ? after : undefined };
}

async function listPage(c: WebContext, extra: { flash?: string; importFailed?: ImportFailed } = {}) {
  const { q, after } = extra.importFailed ? { q: '', after: undefined } : listQuery(c);
  const page = await c.services.notices.searchContacts(c.actor, { prefix: q, after, limit: PAGE_SIZE });
  return ContactsPage({ ctx: c.page, actor: c.actor, q, after, ...page, ...extra });
}

function account(raw: string): string {
  const a = accountRef.safeParse(raw);
  if (!a.success) throw new CandorError('invalid', 'An account reference has 1 to 200 characters.');
  return a.data;
}

async function contactPage(c: WebContext, acc: string, extra: { flash?: string; failed?: SaveFailed } = {}) {
  const [contacts, timeline] = await Promise.all([
    c.services.notices.contacts(c.actor, [acc]),
    c.services.audit.timeline(c.actor, 'contact', acc),
  ]);
  return ContactPage({ ctx: c.page, actor: c.actor, account: acc, contact: contacts[0], timeline, ...extra });
}

/** Integers from the URL for the message after an import (never text from the URL). */
function importedFlash(c: WebContext): string | undefined {
  const rows = Number(c.query.get('imported'));
  const changed = Number(c.query.get('changed'));
  if (!c.query.has('imported') || !Number.isSafeInteger(rows) || !Number.isSafeInteger(changed))
    return undefined;
  return `Imported ${rows} contact${rows === 1 ? '' : 's'}: ${changed} new or changed.`;
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/contacts',
    access: 'notice.read',
    handler: (c) => listPage(c, { flash: importedFlash(c) }),
  },
  {
    method: 'GET',
    path: '/contacts/view',
    access: 'notice.read',
    handler: async (c) => {
      if (!c.query.get('account')) return { redirect: '/contacts' };
      const flash = c.query.get('done') === 'saved' ? 'The contact was saved.' : undefined;
      return contactPage(c, account(c.query.get('account')), { flash });
    },
  },
  {
    method: 'POST',
    path: '/contacts/save',
    access: 'contact.manage',
    handler: async (c) => {
      const acc = account(c.form.get('account_ref'));
      try {
        await c.services.notices.setContact(
          c.actor,
          acc,
          {
            email: c.form.get('email'),
            name: c.form.get('name') || null,
            language: c.form.get('language') || undefined,
          },
          // The form says which contact it showed ('' for none), so a stale one changes nothing.
          { expected: c.form.has('expected') ? c.form.get('expected') || null : undefined },
        );
        return { redirect: `${viewHref(acc)}&done=saved` };
      } catch (e) {
        if (!(e instanceof CandorError) || (e.code !== 'invalid' && e.code !== 'conflict')) throw e;
        const failed = { message: e.message, errors: new Errors(e.issues), input: c.form };
        return { status: e.code === 'conflict' ? 409 : 422, html: await contactPage(c, acc, { failed }) };
      }
    },
  },
  {
    method: 'POST',
    path: '/contacts/import',
    access: 'contact.manage',
    handler: async (c) => {
      const csv = c.form.rawValue('csv');
      try {
        if (!csv.trim()) throw new CandorError('invalid', 'Paste the CSV first: the field is empty.', []);
        const r = await c.services.notices.importContacts(c.actor, { csv, name: 'the pasted CSV' });
        return { redirect: `/contacts?imported=${r.rows}&changed=${r.changed}` };
      } catch (e) {
        if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
        return {
          status: 422,
          html: await listPage(c, { importFailed: { message: e.message, issues: e.issues, csv } }),
        };
      }
    },
  },
];
