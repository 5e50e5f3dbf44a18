import { guidance, mayCompel, requiredChannel } from '../../domain/compel.ts';
import { loadPortal, PortalSection, type PortalView } from './request-portal.tsx';
import { CommentsSection, loadComments, type CommentsView } from './request-comments.tsx';
import { CandorError } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { AuditService } from '../../services/audit.ts';
import type { WebContext, WebRoute } from '../context.ts';
import type { Child, Html } from '../../html/jsx-runtime.ts';
import { History } from '../history.tsx';
import { inWords, label, when } from '../labels.ts';
import { contentFacts } from './request-content-facts.ts';
import { Layout, Notice, Section, type PageContext } from '../layout.tsx';
import { ActionsPanel, nextStep, type Detail, type Failed } from './request-forms.tsx';
import { outboxSummary, type NoticeStatusView } from './notice-outbox.tsx';
import {
  DocumentsSection,
  loadDocuments,
  ProductionsSection,
  type DocumentsView,
} from './request-documents.tsx';

type Timeline = Awaited<ReturnType<AuditService['timeline']>>;

function Facts(props: { rows: Array<[string, Child]> }): Html {
  return (
    <dl class="facts">
      {props.rows.map(([k, v]) => (
        <div>
          <dt>{k}</dt>
          <dd>{v === null || v === undefined || v === '' ? '—' : v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** More identifiers than this and the targets are folded (their count stays in the heading). */
const TARGETS_OPEN = 5;

/** `in 3 days` / `2 days overdue`, from `from` to `to`, in whole hours below two days. */
function timeLeft(to: string, from: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  const hours = Math.round(Math.abs(ms) / 3_600_000);
  const span = hours < 48 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.round(hours / 24)} days`;
  return ms >= 0 ? `${span} left` : `${span} overdue`;
}

/** The customer notice as it really stands: sent (to whom, when), in the outbox, or what the policy decides. */
function noticeInWords(r: Detail, notice?: NoticeStatusView): string {
  const sent = notice?.outbox.filter((o) => o.status === 'sent') ?? [];
  const lastSent = sent
    .map((o) => o.sent_at ?? '')
    .sort()
    .pop();
  return sent.length
    ? `Sent to ${sent.length} customer contact${sent.length === 1 ? '' : 's'}${lastSent ? `, ${when(lastSent)}` : ''}`
    : notice && notice.outbox.length
      ? outboxSummary(notice.outbox)
      : notice
        ? `${label(notice.decision.status)}: ${inWords(notice.decision.reason)}`
        : label(r.notice_status);
}

/** Where the request stands: its deadline and the time left, who has it, the notice, and the next step. */
function Standing(props: {
  r: Detail;
  assignee: string | null;
  notice?: NoticeStatusView;
  canAct: boolean;
}): Html {
  const { r, notice } = props;
  const due = r.workflow.response_due_at;
  const open = ['received', 'in_review', 'awaiting_information'].includes(r.status);
  const noticeText = noticeInWords(r, notice);
  const step = nextStep(r, notice);
  return (
    <Section title="Where it stands" id="standing">
      <Facts
        rows={[
          [
            'Response deadline',
            due
              ? `${when(due)}${open ? ` (${timeLeft(due, r.workflow.as_of)})` : ''}`
              : 'None set by the policy',
          ],
          ['Assignee', props.assignee ?? 'Nobody yet'],
          ['Customer notice', noticeText],
        ]}
      />
      {step && (
        <p class="next-step">
          <strong>Next step:</strong> {step.text}{' '}
          {props.canAct && (
            <a class="button primary" href={step.form ? `#act-${step.form}` : '#notice-send'}>
              {step.text}
            </a>
          )}
        </p>
      )}
    </Section>
  );
}

/** Guidance from the policy engine: what the process may compel, and the channel the law requires. */
function Guidance(props: { r: Detail }): Html {
  const { r } = props;
  const may = mayCompel(r.process_type);
  const beyond = r.data_sought.filter((d) => !may.includes(d));
  const channel = requiredChannel({
    country: r.agency.country,
    dataSought: r.data_sought,
    receivedAt: new Date(r.received_at),
  });
  const channelOk = channel.channels.includes(r.channel);
  return (
    <Section title="Guidance" id="guidance">
      <p class="guidance">{guidance(r.process_type)}</p>
      {beyond.length > 0 && (
        <Notice kind="warn">
          The request seeks {beyond.map(label).join(', ').toLowerCase()}, which a{' '}
          {label(r.process_type).toLowerCase()} may not compel (it may reach:{' '}
          {may.length ? may.map(label).join(', ').toLowerCase() : 'nothing'}).
        </Notice>
      )}
      <p>
        <strong>Channel.</strong> {channel.reason}{' '}
        {channelOk ? (
          <span class="tag tag-ok">{label(r.channel)}: allowed</span>
        ) : (
          <span class="tag tag-warn">
            {label(r.channel)}: expected {channel.channels.map(label).join(' or ')}
          </span>
        )}
      </p>
      {r.workflow.motion_to_quash_due_at && (
        <p class="motion-to-quash">
          <strong>Motion to quash.</strong> The customer is recorded as not a US person and not in the US, and
          the process seeks content: if disclosure would risk violating the law of a qualifying foreign
          government, counsel may move to quash or modify it by {when(r.workflow.motion_to_quash_due_at)} (14
          days from service, 18 U.S.C. 2703(h)(2)); the data is preserved meanwhile (2703(h)(4)).
        </p>
      )}
    </Section>
  );
}

/** What a successful action says after the redirect (keys only in the URL, never user text). */
const FLASH: Record<string, string> = {
  created: 'The request was recorded.',
  corrected: 'The correction was saved; the history below shows what changed.',
  assigned: 'The handler was assigned.',
  moved: 'The status was changed.',
  responded: 'The response was recorded.',
  verified: 'The emergency verification was recorded.',
  approved: 'Your approval was recorded.',
  ndo_added: 'The non-disclosure order was recorded.',
  ndo_lifted: 'The order was recorded as lifted.',
  challenge_recorded: 'The step of the court challenge was recorded.',
  hold_added: 'The preservation hold was started.',
  hold_extended: 'The hold was extended.',
  hold_released: 'The hold was released.',
  notice_recorded: 'The notice status was recorded.',
  notice_queued: 'The customer notice was queued for sending.',
  notice_none: 'Nothing new was queued: the notices were already in the outbox.',
  contact_set: 'The contact was saved.',
  uploaded: 'The document was uploaded.',
  doc_deleted: 'The document was deleted; its key was destroyed.',
  doc_held: 'The document is under legal hold.',
  doc_released: 'The legal hold was released.',
  produced: 'The production was recorded; its manifest hash is in the audit log.',
};

function RequestPage(props: {
  ctx: PageContext;
  r: Detail;
  timeline: Timeline;
  flash: string | undefined;
  actions: Html | null;
  standing: Html;
  notice?: NoticeStatusView;
  documents: DocumentsView;
  portal: PortalView | null;
  comments: CommentsView;
}): Html {
  const { r } = props;
  return (
    <Layout ctx={props.ctx} title={r.external_ref}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/requests">Requests</a> / <span>{r.external_ref}</span>
      </nav>
      <div class="page-head">
        <h1>
          {r.external_ref} {r.emergency && <span class="tag tag-warn">Emergency</span>}
          {r.restricted && <span class="tag tag-warn">Restricted</span>}
        </h1>
        <p class="lede">
          {label(r.process_type)} from {r.agency.name}, received {when(r.received_at)}.{' '}
          <span class={`tag status-${r.status}`}>{label(r.status)}</span>
        </p>
      </div>
      {props.flash && <Notice kind="ok">{props.flash}</Notice>}
      <div class="columns">
        <div>
          {props.standing}
          <Guidance r={r} />
          {props.actions}
          <Section
            title="Request"
            id="facts"
            aside={
              props.ctx.session && can(props.ctx.session.actor, 'request.update') ? (
                <a href={`/requests/${r.id}/edit`}>Correct the facts</a>
              ) : undefined
            }
          >
            <Facts
              rows={[
                ['Process type', label(r.process_type)],
                ['Legal authority', r.legal_authority],
                ['Demand', label(r.demand_kind)],
                ['Data sought', r.data_sought.map(label).join(', ')],
                ['Kind of identifier', r.identifier_kind ? label(r.identifier_kind) : 'Not recorded'],
                ['Case class', r.case_class && label(r.case_class)],
                ['Channel', label(r.channel)],
                ['Access', r.access_mode ? label(r.access_mode) : 'Not recorded'],
                ...contentFacts(r),
                ['Delivered via', r.delivered_via && label(r.delivered_via)],
                ['Received', when(r.received_at)],
              ]}
            />
          </Section>
          <Section title="Requester" id="requester" fold="closed" summary={r.agency.name}>
            <Facts
              rows={[
                ['Agency', r.agency.name],
                ['Kind', label(r.agency.kind)],
                ['Level', label(r.agency.level)],
                ['Country', r.agency.subdivision ?? r.agency.country],
                ['Issuer', r.issuer],
                ['Requester class', label(r.requester_class)],
              ]}
            />
          </Section>
          <Section
            title={`Targets (${r.identifiers_specified} identifiers, ${r.accounts_specified} accounts)`}
            id="targets"
            fold={r.targets.length > TARGETS_OPEN ? 'closed' : 'open'}
          >
            {r.targets.length === 0 ? (
              <p class="empty">No identifiers recorded.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Identifier</th>
                      <th scope="col">Account</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.targets.map((t) => (
                      <tr>
                        <td class="mono">{t.identifier}</td>
                        <td class="mono">
                          {t.account && props.ctx.session && can(props.ctx.session.actor, 'notice.read') ? (
                            <a href={`/contacts/view?account=${encodeURIComponent(t.account)}`}>
                              {t.account}
                            </a>
                          ) : (
                            (t.account ?? '—')
                          )}
                        </td>
                        <td>{label(t.result)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Section>
          {r.emergency && (
            <Section title="Emergency" id="emergency">
              <p class="prewrap">{r.emergency_basis ?? 'No attested basis recorded yet.'}</p>
            </Section>
          )}
          <DocumentsSection ctx={props.ctx} requestId={r.id} v={props.documents} />
          <ProductionsSection ctx={props.ctx} requestId={r.id} v={props.documents} />
          {props.portal && <PortalSection ctx={props.ctx} requestId={r.id} v={props.portal} />}
          <CommentsSection ctx={props.ctx} requestId={r.id} v={props.comments} />
          {r.notes && (
            <Section title="Notes" id="notes">
              <p class="prewrap">{r.notes}</p>
            </Section>
          )}
        </div>
        <div>
          <Section title="Response and notice" id="response">
            <Facts
              rows={[
                ['Status', label(r.status)],
                ['Outcome', label(r.outcome)],
                ['Responded', r.responded_at && when(r.responded_at)],
                ['Customer notice', noticeInWords(r, props.notice)],
                ['Data location', r.data_location],
              ]}
            />
          </Section>
          {r.nondisclosure_orders.map((n) => (
            <Section title="Non-disclosure order" id={`ndo-${n.id}`}>
              <Facts
                rows={[
                  ['Authority', label(n.authority)],
                  ['Issuing court', n.issuing_court],
                  ['Issued', n.issued_at?.slice(0, 10)],
                  ['Expires', n.indefinite ? 'No end date' : n.expires_at?.slice(0, 10)],
                  ['Ground', n.ground && label(n.ground)],
                  ['Lifted', n.lifted_at?.slice(0, 10)],
                ]}
              />
            </Section>
          ))}
          <Section title="History" id="history">
            <History events={props.timeline} />
          </Section>
        </div>
      </div>
    </Layout>
  );
}

export function requestId(c: WebContext): number {
  const id = Number(c.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new CandorError('not_found', `no request ${c.params.id}`);
  return id;
}

/** The request page, with the actions allowed now; `failed` shows a refused form again with its input. */
export async function renderDetail(
  c: WebContext,
  id: number,
  failed?: Failed,
  documentsMessage?: string,
  portalMessage?: string,
): Promise<Html> {
  const r = await c.services.requests.get(c.actor, id);
  // Documents first: showing a document's text is a view, and the history below should include it.
  const documents = await loadDocuments(c, id, documentsMessage);
  const portal = await loadPortal(c, id, portalMessage);
  const comments = await loadComments(c, id);
  const timeline = await c.services.audit.timeline(c.actor, 'request', id);
  const [assignees, notice] = await Promise.all([
    can(c.actor, 'request.assign') ? c.services.workflow.assignees(c.actor) : [],
    can(c.actor, 'notice.read') ? c.services.notices.status(c.actor, id) : undefined,
  ]);
  const done = c.query.get('created') === '1' ? 'created' : c.query.get('done');
  return RequestPage({
    ctx: c.page,
    r,
    timeline,
    flash: failed || documentsMessage ? undefined : FLASH[done],
    documents,
    portal,
    comments,
    notice,
    standing: Standing({
      r,
      notice,
      assignee:
        r.assigned_to === null
          ? null
          : (assignees.find((u) => u.id === r.assigned_to)?.email ?? `user #${r.assigned_to}`),
      canAct: can(c.actor, 'request.transition'),
    }),
    actions: ActionsPanel({
      ctx: c.page,
      r,
      actor: c.actor,
      assignees,
      notice,
      failed,
      primary: nextStep(r, notice)?.form ?? undefined,
    }),
  });
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/:id',
    access: 'request.read',
    handler: async (c) => renderDetail(c, requestId(c)),
  },
];
