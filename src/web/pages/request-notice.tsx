import { can, type Actor } from '../../services/authorize.ts';
import type { NoticeService } from '../../services/notices/index.ts';
import type { WebContext, WebRoute } from '../context.ts';
import type { Html } from '../../html/jsx-runtime.ts';
import { inWords, label, when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';
import { MissingContactForms, OutboxTable, outboxSummary } from './notice-outbox.tsx';
import { requestId } from './request-detail.tsx';
import type { Failed } from './request-forms.tsx';

type Preview = Awaited<ReturnType<NoticeService['preview']>>;

/** What a successful action on this page says after the redirect (keys only in the URL). */
const FLASH: Record<string, string> = {
  contact_set: 'The contact was saved.',
};

/** Exactly what the customer notice would say, to whom, and whether the law lets it go now. */
function NoticePreview(props: {
  ctx: PageContext;
  actor: Actor;
  p: Preview;
  version: number;
  ref: string;
  flash?: string;
  failed?: Failed;
}): Html {
  const { p } = props;
  return (
    <Layout ctx={props.ctx} title={`Notice for ${props.ref}`}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/requests">Requests</a> / <a href={`/requests/${p.request_id}`}>{props.ref}</a> /{' '}
        <span>Customer notice</span>
      </nav>
      <div class="page-head">
        <h1>Customer notice</h1>
        <p class="lede">
          Recorded: {label(p.notice_status)}. The policy says now: {label(p.decision.status)}
          {p.decision.due_at ? `, due ${when(p.decision.due_at)}` : ''}. {inWords(p.decision.reason)}
        </p>
      </div>
      {props.flash && <Notice kind="ok">{props.flash}</Notice>}
      {p.missing_contacts.length > 0 && (
        <Notice kind="warn">No contact on file for: {p.missing_contacts.join(', ')}.</Notice>
      )}
      {can(props.actor, 'contact.manage') && (
        <MissingContactForms
          ctx={props.ctx}
          requestId={p.request_id}
          version={props.version}
          accounts={p.missing_contacts}
          failed={props.failed}
          back="notice"
        />
      )}
      {p.messages.map((m) => (
        <Section title={`To ${m.name ?? m.account} <${m.to}>`}>
          <p>
            <strong>{m.subject}</strong>
          </p>
          <pre class="prewrap letter">{m.body}</pre>
        </Section>
      ))}
      {p.messages.length === 0 && <p class="empty">No message would be sent.</p>}
      {p.may_send_now && p.to_queue.length > 0 && (
        <form method="post" action={`/requests/${p.request_id}/notice/queue`}>
          <CsrfField ctx={props.ctx} />
          <input type="hidden" name="version" value={String(props.version)} />
          <button type="submit" class="button">
            Queue {p.to_queue.length} notice{p.to_queue.length === 1 ? '' : 's'}
          </button>
        </form>
      )}
      {p.may_send_now && p.to_queue.length === 0 && p.outbox.length > 0 && (
        <p>Nothing left to queue: every account with a contact has this notice in the outbox.</p>
      )}
      {p.outbox.length > 0 && (
        <Section title="Outbox">
          <p>{outboxSummary(p.outbox)}.</p>
          <OutboxTable rows={p.outbox} />
        </Section>
      )}
    </Layout>
  );
}

/** The notice preview; `failed` shows a refused contact form again with its input. */
export async function renderNotice(c: WebContext, id: number, failed?: Failed): Promise<Html> {
  const [r, p] = await Promise.all([
    c.services.requests.get(c.actor, id),
    c.services.notices.preview(c.actor, id),
  ]);
  return NoticePreview({
    ctx: c.page,
    actor: c.actor,
    p,
    version: r.version,
    ref: r.external_ref,
    flash: failed ? undefined : FLASH[c.query.get('done')],
    failed,
  });
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/:id/notice',
    access: 'notice.read',
    handler: async (c) => renderNotice(c, requestId(c)),
  },
];
