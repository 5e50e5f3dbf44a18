import type { NoticeService } from '../../services/notices/index.ts';
import { fieldsFor, Form } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { label, when } from '../labels.ts';
import { CsrfField, Notice, type PageContext } from '../layout.tsx';
import type { Failed } from './request-forms.tsx';

export type NoticeStatusView = Awaited<ReturnType<NoticeService['status']>>;
type OutboxRow = NoticeStatusView['outbox'][number];

/** `2 notices: 1 sent, 1 queued` — the outbox of one request in a line. */
export function outboxSummary(rows: readonly OutboxRow[]): string {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  const parts = [...by].map(([status, n]) => `${n} ${label(status).toLowerCase()}`);
  return `${rows.length} notice${rows.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * Every outbox row of a request: to whom, which notice, where it stands, when it was queued and sent. Where
 * its box is narrow (the request page's column, a phone) each row becomes a small block of labelled cells
 * (`table.stack` in app.css), so the table fits its card instead of scrolling.
 */
export function OutboxTable(props: { rows: readonly OutboxRow[]; caption?: string }): Html {
  return (
    <div class="table-wrap stack-wrap">
      <table class="stack outbox">
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">To</th>
            <th scope="col">Notice</th>
            <th scope="col">Status</th>
            <th scope="col">Queued</th>
            <th scope="col">Sent</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((o) => (
            <tr>
              <td data-label="Account" class="mono">
                {o.account}
              </td>
              <td data-label="To">{o.to}</td>
              <td data-label="Notice">{label(o.kind)}</td>
              <td data-label="Status">
                <span class={`tag outbox-${o.status}`}>{label(o.status)}</span>
                {o.attempts > 1 && ` (${o.attempts} attempts)`}
                {o.last_error && <span class="hint"> {o.last_error}</span>}
              </td>
              <td data-label="Queued">{when(o.queued_at)}</td>
              <td data-label="Sent">{when(o.sent_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A small form per account of the request that has no contact (for roles with contact.manage): e-mail,
 * name and language, posted to /requests/:id/contact with the version the page showed, and back to the
 * page it came from (`back`: the request page or the notice preview). Each form's fields are
 * `f-contact-<n>-<field>`; a refused one opens again with the message, the errors and the input kept.
 */
export function MissingContactForms(props: {
  ctx: PageContext;
  requestId: number;
  version: number;
  accounts: readonly string[];
  failed?: Failed;
  back?: 'notice';
}): Html | null {
  // A refused form whose account no longer lacks a contact (someone set it meanwhile) is not drawn again:
  // its message stands here instead.
  const failed = props.failed?.form === 'contact' ? props.failed : undefined;
  const orphan = failed && !props.accounts.includes(failed.input.get('account_ref')) ? failed : undefined;
  if (props.accounts.length === 0 && !orphan) return null;
  return (
    <div class="contact-forms">
      {orphan && <Notice kind="error">{orphan.message}</Notice>}
      {props.accounts.map((account, i) => {
        const name = `contact-${i}`;
        const f =
          props.failed?.form === 'contact' && props.failed.input.get('account_ref') === account
            ? props.failed
            : undefined;
        const v = f?.input ?? new Form();
        const field = fieldsFor(name);
        return (
          <details class="action" id={`act-${name}`} open={f !== undefined}>
            <summary>
              <span>
                Add a contact for <span class="mono">{account}</span>
              </span>
            </summary>
            <form method="post" action={`/requests/${props.requestId}/contact`} class="grid">
              <CsrfField ctx={props.ctx} />
              <input type="hidden" name="version" value={String(props.version)} />
              <input type="hidden" name="account_ref" value={account} />
              {props.back && <input type="hidden" name="back" value={props.back} />}
              {f && (
                <div class="wide">
                  <Notice kind="error">{f.message}</Notice>
                </div>
              )}
              <field.Input
                name="email"
                label="E-mail"
                type="email"
                value={v.get('email')}
                errors={f?.errors}
                autocomplete="off"
                required
              />
              <field.Input name="name" label="Name (optional)" value={v.get('name')} errors={f?.errors} />
              <field.Input
                name="language"
                label="Language"
                value={f ? v.get('language') : 'en'}
                hint="Of the notice: a BCP 47 tag such as en, de or pt-BR."
                errors={f?.errors}
              />
              <div class="actions wide">
                <button type="submit" class="button">
                  Save contact
                </button>
              </div>
            </form>
          </details>
        );
      })}
    </div>
  );
}
