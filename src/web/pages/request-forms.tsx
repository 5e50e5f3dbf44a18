import { guidance, mayCompel } from '../../domain/compel.ts';
import { NUMBER_SOURCES } from '../../domain/emergency.ts';
import { allowedTransitions, isReopen } from '../../domain/lifecycle.ts';
import { HOLD_REGIMES } from '../../domain/preservation.ts';
import {
  ACCOUNT_RESULTS,
  DATA_SOUGHT,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  APPROVAL_PURPOSES,
  MANUAL_RELEASE_REASONS,
  NDO_GROUNDS,
} from '../../domain/vocabulary.ts';
import { can, type Actor } from '../../services/authorize.ts';
import type { PresentedRequest, PresentedWorkflow } from '../../services/presenters.ts';
import { Checkbox, Checkboxes, Errors, fieldsFor, Form, type FormFields } from '../forms.tsx';
import type { Child, Html } from '../../html/jsx-runtime.ts';
import { inWords, label, when } from '../labels.ts';
import { CsrfField, Notice, Section, type PageContext } from '../layout.tsx';
import { MissingContactForms, OutboxTable, outboxSummary, type NoticeStatusView } from './notice-outbox.tsx';
import { ChallengeForm } from './request-challenge.tsx';

export type Detail = PresentedRequest & { workflow: PresentedWorkflow };

/** A form that was refused: which one, why, the field errors and what the user typed (shown again). */
export interface Failed {
  form: string;
  message: string;
  errors: Errors;
  input: Form;
  conflict: boolean;
}

/** The accounts a response names results for: each target's account, or its identifier when it has none. */
export function namedAccounts(r: PresentedRequest): string[] {
  return [...new Set(r.targets.map((t) => t.account ?? t.identifier))];
}

export interface Props {
  ctx: PageContext;
  r: Detail;
  actor: Actor;
  assignees: Array<{ id: number; email: string; role: string }>;
  /** Where the customer notice stands (for roles that may read notices). */
  notice?: NoticeStatusView;
  failed?: Failed;
  /** The form of the next step the policy engine expects: shown open, the others stay folded. */
  primary?: string;
}

/**
 * One action's form: posts to /requests/:id/<path> with the CSRF token and the version the page showed. Its
 * fields come from `children(fields)`, whose ids carry the form's name (`f-<form>-<field>`): the page holds
 * many forms, several with a field of the same name, and each label must point at its own form's field.
 */
export function ActionForm(props: {
  p: Props;
  name: string;
  path: string;
  title: string;
  button: string;
  children: (fields: FormFields) => Child;
  open?: boolean;
}): Html {
  const { p } = props;
  const f = p.failed?.form === props.name ? p.failed : undefined;
  return (
    <details
      class={`action${p.primary === props.name ? ' primary-action' : ''}`}
      id={`act-${props.name}`}
      open={props.open || p.primary === props.name || f !== undefined}
    >
      <summary>{props.title}</summary>
      <form method="post" action={`/requests/${p.r.id}/${props.path}`} class="grid">
        <CsrfField ctx={p.ctx} />
        <input type="hidden" name="version" value={String(p.r.version)} />
        {f && (
          <div class="wide">
            <Notice kind="error">
              {f.conflict ? 'This request was changed by someone else — reload the page and try again. ' : ''}
              {f.message}
            </Notice>
          </div>
        )}
        {props.children(fieldsFor(props.name))}
        <div class="actions wide">
          <button type="submit" class="button">
            {props.button}
          </button>
        </div>
      </form>
    </details>
  );
}

/** The values and errors of the failed form, when `name` is the one that failed. */
export function state(p: Props, name: string): { v: Form; e: Errors | undefined; failed: boolean } {
  const f = p.failed?.form === name ? p.failed : undefined;
  return { v: f?.input ?? new Form(), e: f?.errors, failed: f !== undefined };
}

function AssignForm(props: { p: Props }): Html {
  const { p } = props;
  const { v, e, failed } = state(p, 'assign');
  const current = failed ? v.get('user_id') : String(p.r.assigned_to ?? '');
  const who = p.assignees.find((u) => u.id === p.r.assigned_to);
  return (
    <ActionForm
      p={p}
      name="assign"
      path="assign"
      title={who ? `Handler: ${who.email}` : 'Assign a handler'}
      button="Assign"
    >
      {(f) => (
        <f.Select
          name="user_id"
          label="Handler"
          options={p.assignees.map((u) => String(u.id))}
          labelOf={(id) => {
            const u = p.assignees.find((x) => String(x.id) === id);
            return u ? `${u.email} (${u.role})` : id;
          }}
          value={current}
          empty="Choose a person"
          errors={e}
        />
      )}
    </ActionForm>
  );
}

function TransitionForm(props: { p: Props; next: readonly string[] }): Html {
  const { p } = props;
  const { v, e } = state(p, 'transition');
  const reopen = props.next.some((to) => isReopen(p.r.status, to as never));
  return (
    <ActionForm p={p} name="transition" path="transition" title="Change status" button="Change status">
      {(f) => (
        <>
          <f.Select name="to" label="New status" options={props.next} value={v.get('to')} errors={e} />
          <f.TextArea
            name="reason"
            label={reopen ? 'Reason (required to reopen)' : 'Reason (optional)'}
            value={v.get('reason')}
            errors={e}
            rows={2}
          />
        </>
      )}
    </ActionForm>
  );
}

function RespondForm(props: { p: Props }): Html {
  const { p } = props;
  const { r } = p;
  const { v, e, failed } = state(p, 'respond');
  const may = mayCompel(r.process_type);
  const beyond = r.data_sought.filter((d) => !may.includes(d));
  const produced = failed ? v.all('produced') : [];
  // The override field appears with the guidance when the production may go beyond the process.
  const showOverride =
    beyond.length > 0 || (e?.for('produced').length ?? 0) > 0 || v.get('override_reason') !== '';
  const accounts = namedAccounts(r);
  return (
    <ActionForm p={p} name="respond" path="response" title="Record the response" button="Record response">
      {(f) => (
        <>
          <f.Select
            name="outcome"
            label="Outcome"
            options={OUTCOMES}
            value={v.get('outcome')}
            empty="Choose the outcome"
            errors={e}
          />
          <f.Input
            name="responded_at"
            label="Responded at (UTC, optional)"
            type="datetime-local"
            value={v.get('responded_at')}
            hint="Defaults to now."
            errors={e}
          />
          <div class="wide">
            <Checkboxes
              name="produced"
              legend="Produced categories"
              options={DATA_SOUGHT}
              values={produced}
              errors={e}
              hint="What was actually handed over (none for a rejection or no data)."
            />
          </div>
          {accounts.length > 0 && (
            <fieldset class={`field wide${(e?.for('accounts').length ?? 0) > 0 ? ' has-error' : ''}`}>
              <legend>Result per account</legend>
              <p class="hint">Leave “from the outcome” to use the result the outcome implies.</p>
              {accounts.map((a, i) => (
                <div class="account-result">
                  <input type="hidden" name={`account.${i}`} value={a} />
                  <label for={f.id(`result.${i}`)} class="mono">
                    {a}
                  </label>
                  <select id={f.id(`result.${i}`)} name={`result.${i}`}>
                    <option value="">From the outcome</option>
                    {ACCOUNT_RESULTS.map((o) => (
                      <option value={o} selected={v.get(`result.${i}`) === o}>
                        {label(o)}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
              {(e?.for('accounts') ?? []).map((m) => (
                <p class="error">{m}</p>
              ))}
            </fieldset>
          )}
          {showOverride && (
            <div class="wide">
              <Notice kind="warn">
                {guidance(r.process_type)} Producing more than that needs an approver (not the handler) to
                record the reason.
              </Notice>
              <f.TextArea
                name="override_reason"
                label="Override reason (approver only)"
                value={v.get('override_reason')}
                errors={e}
                rows={2}
                wide
              />
            </div>
          )}
        </>
      )}
    </ActionForm>
  );
}

function VerificationForm(props: { p: Props }): Html {
  const { p } = props;
  const { v, e, failed } = state(p, 'verify');
  const cur = p.r.workflow.emergency;
  return (
    <ActionForm
      p={p}
      name="verify"
      path="emergency/verification"
      title={cur?.verified_by ? `Emergency verified by ${cur.verified_by}` : 'Record the emergency basis'}
      button="Record verification"
    >
      {(f) => (
        <>
          <div class="wide">
            <Checkbox
              name="attests_danger"
              label="The requester attests to a danger of death or serious physical injury"
              checked={failed ? v.get('attests_danger') === 'on' : (cur?.attests_danger ?? false)}
            />
          </div>
          <f.TextArea
            name="basis"
            label="Attested basis"
            value={failed ? v.get('basis') : (p.r.emergency_basis ?? '')}
            errors={e}
            rows={3}
            wide
          />
          <f.Input name="verified_by" label="Verified by" value={v.get('verified_by')} errors={e} />
          <f.Input
            name="called_back_at"
            label="Called back at (UTC)"
            type="datetime-local"
            value={v.get('called_back_at')}
            errors={e}
          />
          <f.Input name="number" label="Number called" value={v.get('number')} errors={e} />
          <f.Select
            name="number_source"
            label="Number from"
            options={NUMBER_SOURCES}
            value={v.get('number_source')}
            errors={e}
          />
        </>
      )}
    </ActionForm>
  );
}

function ApproveForm(props: { p: Props }): Html {
  const { p } = props;
  const { v, e } = state(p, 'approve');
  return (
    <ActionForm p={p} name="approve" path="approve" title="Approve (second person)" button="Approve">
      {(f) => (
        <>
          <f.Select
            name="purpose"
            label="Approval of"
            options={APPROVAL_PURPOSES}
            value={v.get('purpose')}
            errors={e}
          />
          <f.TextArea name="note" label="Note (optional)" value={v.get('note')} errors={e} rows={2} />
        </>
      )}
    </ActionForm>
  );
}

function NdoForms(props: { p: Props }): Html {
  const { p } = props;
  const { v, e } = state(p, 'ndo');
  return (
    <>
      <ActionForm p={p} name="ndo" path="ndos" title="Add a non-disclosure order" button="Add order">
        {(f) => (
          <>
            <f.Select
              name="authority"
              label="Authority"
              options={NDO_AUTHORITIES}
              value={v.get('authority')}
            />
            <f.Input name="issuing_court" label="Issuing court" value={v.get('issuing_court')} errors={e} />
            <f.Input name="issued_at" label="Issued" type="date" value={v.get('issued_at')} errors={e} />
            <f.Input
              name="expires_at"
              label="Expires"
              type="date"
              value={v.get('expires_at')}
              hint="Leave empty for an order with no end date."
              errors={e}
            />
            <f.Select
              name="ground"
              label="Ground"
              options={NDO_GROUNDS}
              value={v.get('ground')}
              empty="Not stated"
              errors={e}
            />
          </>
        )}
      </ActionForm>
      {p.r.nondisclosure_orders
        .filter((n) => !n.lifted_at)
        .map((n) => (
          <ActionForm
            p={p}
            name={`lift-${n.id}`}
            path={`ndos/${n.id}/lift`}
            title={`Lift the ${label(n.authority)} order`}
            button="Record lift"
          >
            {(f) => (
              <>
                <f.Input
                  name="lifted_at"
                  label="Lifted on (optional)"
                  type="date"
                  value={state(p, `lift-${n.id}`).v.get('lifted_at')}
                  hint="Defaults to now."
                  errors={state(p, `lift-${n.id}`).e}
                />
              </>
            )}
          </ActionForm>
        ))}
    </>
  );
}

function HoldForms(props: { p: Props; mayAdd: boolean }): Html {
  const { p } = props;
  const holds = p.r.workflow.holds.filter((h) => !h.released_at);
  return (
    <>
      {holds.map((h) => (
        <div class="hold">
          <p>
            <strong>Hold {h.id}</strong> ({label(h.regime)}), started {when(h.started_at)}, expires{' '}
            {when(h.expires_at)}, {h.extensions} extension{h.extensions === 1 ? '' : 's'}.{' '}
            <span class="tag">{label(h.state)}</span>
          </p>
          <div class="row-actions">
            <form method="post" action={`/requests/${p.r.id}/holds/${h.id}/extend`} class="inline">
              <CsrfField ctx={p.ctx} />
              <input type="hidden" name="version" value={String(p.r.version)} />
              <button type="submit" class="button secondary">
                Extend
              </button>
            </form>
            <form method="post" action={`/requests/${p.r.id}/holds/${h.id}/release`} class="inline">
              <CsrfField ctx={p.ctx} />
              <input type="hidden" name="version" value={String(p.r.version)} />
              <label for={fieldsFor(`hold-${h.id}`).id('reason')} class="sr-only">
                Release reason
              </label>
              <select id={fieldsFor(`hold-${h.id}`).id('reason')} name="reason">
                {MANUAL_RELEASE_REASONS.map((o) => (
                  <option value={o}>{label(o)}</option>
                ))}
              </select>{' '}
              <button type="submit" class="button secondary">
                Release
              </button>
            </form>
          </div>
          {p.failed?.form === `hold-${h.id}` && <Notice kind="error">{p.failed.message}</Notice>}
        </div>
      ))}
      {props.mayAdd && (
        <ActionForm p={p} name="hold" path="holds" title="Add a preservation hold" button="Start hold">
          {(f) => (
            <>
              <f.Select
                name="regime"
                label="Regime"
                options={HOLD_REGIMES}
                value={state(p, 'hold').v.get('regime')}
                empty="From the request (2703(f) for US agencies)"
                errors={state(p, 'hold').e}
              />
            </>
          )}
        </ActionForm>
      )}
    </>
  );
}

function NoticeForm(props: { p: Props }): Html {
  const { p } = props;
  const { v, e } = state(p, 'notice');
  return (
    <ActionForm p={p} name="notice" path="notice" title="Record the notice status" button="Record notice">
      {(f) => (
        <>
          <f.Select
            name="status"
            label="Customer notice"
            options={NOTICE_STATUSES}
            value={v.get('status') || p.r.notice_status}
            errors={e}
          />
          <f.TextArea name="reason" label="Reason" value={v.get('reason')} errors={e} rows={2} />
        </>
      )}
    </ActionForm>
  );
}

/**
 * The customer notice: what is queued or sent (per outbox row: to whom, status, when), a link to preview
 * exactly what would be sent, and the queue button only while queueing would add something: an account
 * with a contact and no notice in the outbox yet, or one whose notice was cancelled or failed.
 */
function NoticeSend(props: { p: Props }): Html {
  const { p } = props;
  const n = p.notice;
  // Notices of the kind now called for that were cancelled or failed: queueing sends them again.
  const again = n ? n.outbox.filter((o) => o.kind === n.decision.kind && n.to_queue.includes(o.account)) : [];
  return (
    <div class="notice-send" id="notice-send">
      <h3>Customer notice</h3>
      {p.failed?.form === 'notice-queue' && (
        <Notice kind="error">
          {p.failed.conflict
            ? 'This request was changed by someone else — reload the page and try again. '
            : ''}
          {p.failed.message}
        </Notice>
      )}
      {n && n.outbox.length > 0 && (
        <>
          <p>{outboxSummary(n.outbox)}.</p>
          <OutboxTable rows={n.outbox} />
        </>
      )}
      {n && n.missing_contacts.length > 0 && (
        <p class="hint">No contact on file for: {n.missing_contacts.join(', ')}.</p>
      )}
      {n && can(p.actor, 'contact.manage') && (
        <MissingContactForms
          ctx={p.ctx}
          requestId={p.r.id}
          version={p.r.version}
          accounts={n.missing_contacts}
          failed={p.failed}
        />
      )}
      {again.length > 0 && (
        <p>Cancelled or failed, to be queued again: {again.map((o) => o.account).join(', ')}.</p>
      )}
      {n && n.to_queue.length === 0 && (
        <p>
          {n.may_send_now
            ? 'Nothing left to queue: every account with a contact has this notice in the outbox.'
            : `No notice may be queued now: ${inWords(n.decision.reason)}`}
        </p>
      )}
      <p>
        <a href={`/requests/${p.r.id}/notice`}>Preview the customer notice</a>
      </p>
      {can(p.actor, 'notice.send') && n && n.to_queue.length > 0 && (
        <form method="post" action={`/requests/${p.r.id}/notice/queue`} class="inline">
          <CsrfField ctx={p.ctx} />
          <input type="hidden" name="version" value={String(p.r.version)} />
          <button type="submit" class="button">
            Queue the customer notice for {n.to_queue.length} account{n.to_queue.length === 1 ? '' : 's'}
          </button>
        </form>
      )}
    </div>
  );
}

/** The actions allowed now for this request's status and the viewer's role; nothing when there are none. */
export function ActionsPanel(p: Props): Html | null {
  const { r, actor } = p;
  const open = r.status !== 'closed';
  const next = allowedTransitions(r.status).filter((s) => s !== 'responded');
  const parts: Child[] = [
    open && can(actor, 'request.assign') && <AssignForm p={p} />,
    next.length > 0 && can(actor, 'request.transition') && <TransitionForm p={p} next={next} />,
    r.status === 'in_review' && can(actor, 'request.respond') && <RespondForm p={p} />,
    r.emergency &&
      ['received', 'in_review', 'awaiting_information'].includes(r.status) &&
      can(actor, 'emergency.record') && <VerificationForm p={p} />,
    r.emergency &&
      ['received', 'in_review', 'awaiting_information'].includes(r.status) &&
      can(actor, 'request.approve') && <ApproveForm p={p} />,
    can(actor, 'ndo.manage') && <NdoForms p={p} />,
    can(actor, 'hold.manage') && <HoldForms p={p} mayAdd={open} />,
    can(actor, 'notice.record') && <NoticeForm p={p} />,
    can(actor, 'challenge.record') && r.channel !== 'informal' && <ChallengeForm p={p} />,
    can(actor, 'notice.read') && <NoticeSend p={p} />,
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <Section title="Actions" id="actions">
      {parts}
    </Section>
  );
}

/** The next step a request waits for, and the action form that takes it (null: nothing is expected now). */
export function nextStep(r: Detail, notice?: NoticeStatusView): { text: string; form: string | null } | null {
  const open = ['received', 'in_review', 'awaiting_information'].includes(r.status);
  if (open && r.assigned_to === null) return { text: 'Assign a handler', form: 'assign' };
  if (r.status === 'received') return { text: 'Start the review (status: in review)', form: 'transition' };
  if (r.emergency && open && !r.workflow.emergency?.called_back_at) {
    return { text: 'Verify the emergency by call-back', form: 'verify' };
  }
  if (r.status === 'awaiting_information')
    return { text: 'Back to review once the agency answers', form: 'transition' };
  if (r.status === 'in_review') return { text: 'Record the response', form: 'respond' };
  const owed = notice ? notice.may_send_now && notice.to_queue.length > 0 : r.notice_status === 'pending';
  if (r.status === 'responded' && owed) return { text: 'Send the customer notice', form: null };
  if (r.status === 'responded') return { text: 'Close the request', form: 'transition' };
  return null;
}
