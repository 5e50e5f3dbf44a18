import { CandorError } from '../../errors.ts';
import type { StaffSubmission } from '../../services/portal/intake.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Errors, fieldsFor } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { label, when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

/** How a sender was verified, in one line (the request page shows the full panel). */
export function senderLine(s: StaffSubmission['sender']): string {
  if (!s) return 'account not found';
  const how = s.verified_how ?? 'not verified';
  const first = s.first_submission_at
    ? `first submission ${when(s.first_submission_at)}`
    : 'no submission yet';
  return `${s.email} · ${how} · address confirmed ${s.email_verified_at ? when(s.email_verified_at) : 'never'} · account ${s.account_age_days} days old · ${first}`;
}

/** The staff's "portal intake" queue: submissions from the agency portal waiting to be accepted or refused. */
function IntakePage(props: {
  ctx: PageContext;
  queue: StaffSubmission[];
  done?: string;
  message?: string;
  failed?: { id: number; errors: Errors; values: Record<string, string> };
}): Html {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Portal intake">
      <div class="page-head">
        <h1>Portal intake</h1>
        <p class="hint">Submissions from the agency portal. Nothing is counted in a report until accepted.</p>
      </div>
      {props.done && <Notice kind="ok">{props.done}</Notice>}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      {props.queue.length === 0 && <p>No submission is waiting.</p>}
      {props.queue.map((q) => {
        const F = fieldsFor(`sub-${q.id}`);
        const errors = props.failed?.id === q.id ? props.failed.errors : new Errors();
        const value = (n: string) => (props.failed?.id === q.id ? props.failed.values[n] : undefined);
        const input = q.input as Record<string, unknown> | null;
        return (
          <Section title={`${q.reference}${q.emergency ? ' — emergency' : ''}`} id={`sub-${q.id}`}>
            {q.emergency && q.request_id !== null && (
              <Notice kind="warn">
                Emergency: already <a href={`/requests/${q.request_id}`}>request {q.request_id}</a>; the
                emergency playbook runs there.
              </Notice>
            )}
            <dl class="facts">
              <dt>Officer</dt>
              <dd>
                {q.officer.name}, {q.officer.title}, {q.officer.agency} · {q.officer.phone}
              </dd>
              <dt>Sender</dt>
              <dd>{senderLine(q.sender)}</dd>
              <dt>Submitted</dt>
              <dd>{when(q.submitted_at)}</dd>
              <dt>Process</dt>
              <dd>{typeof input?.process_type === 'string' ? label(input.process_type) : '—'}</dd>
              <dt>Attestation</dt>
              <dd>{q.attestation}</dd>
              {q.emergency_answers && (
                <>
                  <dt>Danger</dt>
                  <dd>{q.emergency_answers.danger}</dd>
                  <dt>Why it cannot wait</dt>
                  <dd>{q.emergency_answers.why_now}</dd>
                  <dt>Call-back number</dt>
                  <dd>{q.emergency_answers.callback_phone}</dd>
                </>
              )}
              <dt>Legal process</dt>
              <dd>{q.document_id !== null ? <a href={`/intake/${q.id}/document`}>the PDF</a> : 'none'}</dd>
            </dl>
            <div class="row-actions">
              <form method="post" action={`/intake/${q.id}/accept`} class="inline">
                <CsrfField ctx={ctx} />
                <button type="submit" class="primary">
                  Accept
                </button>
              </form>
              <form method="post" action={`/intake/${q.id}/accept`}>
                <CsrfField ctx={ctx} />
                <F.Input
                  name="duplicate_of"
                  label="Duplicate of request (its id)"
                  inputmode="numeric"
                  value={value('duplicate_of')}
                  errors={errors}
                />
                <button type="submit" class="small">
                  Accept as duplicate
                </button>
              </form>
              <form method="post" action={`/intake/${q.id}/refuse`}>
                <CsrfField ctx={ctx} />
                <F.TextArea
                  name="message"
                  label="Refuse, with a message to the officer"
                  value={value('message')}
                  errors={errors}
                  rows={2}
                />
                <button type="submit" class="small">
                  Refuse
                </button>
              </form>
            </div>
          </Section>
        );
      })}
    </Layout>
  );
}

async function page(c: WebContext, extra: Partial<Parameters<typeof IntakePage>[0]> = {}) {
  return IntakePage({ ctx: c.page, queue: await c.services.portal.intake.queue(c.actor), ...extra });
}

function id(c: WebContext): number {
  const n = Number(c.params.id);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647)
    throw new CandorError('not_found', `portal submission ${c.params.id} does not exist`);
  return n;
}

async function orRefused(
  c: WebContext,
  fn: () => Promise<Awaited<ReturnType<typeof page>> | { redirect: string }>,
) {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
    return {
      status: 400,
      html: await page(c, {
        message: e.message,
        failed: {
          id: id(c),
          errors: new Errors(e.issues),
          values: { duplicate_of: c.form.get('duplicate_of'), message: c.form.get('message') },
        },
      }),
    };
  }
}

export const routes: WebRoute[] = [
  { method: 'GET', path: '/intake', access: 'portal.intake', handler: (c) => page(c) },
  {
    method: 'GET',
    path: '/intake/:id/document',
    access: 'portal.intake',
    handler: async (c) => ({ download: await c.services.portal.intake.document(c.actor, id(c)) }),
  },
  {
    method: 'POST',
    path: '/intake/:id/accept',
    access: 'portal.intake',
    handler: (c) =>
      orRefused(c, async () => {
        const dup = c.form.get('duplicate_of');
        const n = dup === '' ? null : Number(dup);
        if (n !== null && (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647))
          throw new CandorError('invalid', 'duplicate_of: expected a request id', [
            { field: 'duplicate_of', message: 'expected a request id' },
          ]);
        const rid = await c.services.portal.intake.accept(c.actor, id(c), { duplicateOf: n });
        return { redirect: `/requests/${rid}` };
      }),
  },
  {
    method: 'POST',
    path: '/intake/:id/refuse',
    access: 'portal.intake',
    handler: (c) =>
      orRefused(c, async () => {
        await c.services.portal.intake.refuse(c.actor, id(c), c.form.get('message'));
        return page(c, { done: 'Refused: the officer reads your message in the portal and was e-mailed.' });
      }),
  },
];
