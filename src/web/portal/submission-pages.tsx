import { ATTESTATION, PORTAL_PROCESS_TYPES } from '../../domain/portal-submission.ts';
import { AGENCY_KINDS, AGENCY_LEVELS, DATA_SOUGHT } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { OfficerSubmission } from '../../services/portal/submissions.ts';
import { Checkbox, Checkboxes, Errors, Form, Input, Select, TextArea } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { Landing } from './account-pages.tsx';
import type { PortalContext, PortalPage, PortalRoute } from './context.ts';
import { Info, PortalCsrf, PortalLayout } from './layout.tsx';

const id = (c: PortalContext, name: string) => {
  const v = c.params[name] ?? '';
  return /^\d{1,15}$/.test(v) ? Number(v) : -1;
};

function Status(props: { s: OfficerSubmission }): Html {
  return <span class={`p-status p-status-${props.s.status}`}>{props.s.status_text.split(':')[0]}</span>;
}

function Home(props: { page: PortalPage; items: OfficerSubmission[] }): Html {
  return (
    <PortalLayout page={props.page} title="My submissions">
      <p>
        <a class="p-button" href="/portal/submit">
          New submission
        </a>
      </p>
      {props.items.length === 0 ? (
        <p>You have not sent anything yet.</p>
      ) : (
        <ul class="p-list">
          {props.items.map((s) => (
            <li>
              <a href={`/portal/submissions/${s.id}`}>{s.reference}</a> <Status s={s} />
              {s.emergency && <span class="p-status p-emergency">Emergency</span>}
              <span class="p-small">{` sent ${when(s.submitted_at)}`}</span>
            </li>
          ))}
        </ul>
      )}
    </PortalLayout>
  );
}

/** The submission form, read into the portal's input (the intake schema's words). */
export function submissionInput(f: Form): Record<string, unknown> {
  return {
    reference: f.get('reference'),
    process_type: f.get('process_type'),
    legal_authority: f.get('legal_authority'),
    agency_kind: f.get('agency_kind') || undefined,
    agency_level: f.get('agency_level'),
    subdivision: f.get('subdivision'),
    accounts: f
      .get('accounts')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean),
    data_sought: f.all('data_sought'),
    officer_name: f.get('officer_name'),
    officer_title: f.get('officer_title'),
    officer_agency: f.get('officer_agency'),
    officer_phone: f.get('officer_phone'),
    attest: f.get('attest') === 'on',
    signature: f.get('signature'),
    emergency: f.get('emergency') === 'on',
    danger: f.get('danger'),
    why_now: f.get('why_now'),
    callback_phone: f.get('callback_phone'),
    notes: f.get('notes'),
  };
}

function SubmitPage(props: {
  page: PortalPage;
  f: Form;
  errors?: Errors;
  message?: string;
  maxMiB: number;
}): Html {
  const { f } = props;
  const e = props.errors ?? new Errors();
  return (
    <PortalLayout page={props.page} title="New submission">
      {props.message && <Info kind="error">{props.message}</Info>}
      <form method="post" action="/portal/submit" enctype="multipart/form-data" class="p-form">
        <PortalCsrf page={props.page} />
        <fieldset>
          <legend>The legal process</legend>
          <Input
            name="reference"
            label="Your case or reference number"
            value={f.get('reference')}
            errors={e}
            required
          />
          <Select
            name="process_type"
            label="Kind of process"
            options={PORTAL_PROCESS_TYPES}
            value={f.get('process_type') || 'subpoena'}
            errors={e}
          />
          <Input
            name="legal_authority"
            label="Legal authority (statute, court, docket)"
            value={f.get('legal_authority')}
            errors={e}
          />
          <Select
            name="agency_kind"
            label="Kind of agency"
            options={AGENCY_KINDS}
            value={f.get('agency_kind') || 'law_enforcement'}
            errors={e}
          />
          <Select
            name="agency_level"
            label="Level"
            options={AGENCY_LEVELS}
            value={f.get('agency_level') || 'federal'}
            errors={e}
          />
          <Input
            name="subdivision"
            label="State or province (ISO code, such as US-CA), if not national"
            value={f.get('subdivision')}
            errors={e}
          />
          <TextArea
            name="accounts"
            label="Accounts or identifiers named (one a line)"
            value={f.get('accounts')}
            errors={e}
            rows={3}
          />
          <Checkboxes
            name="data_sought"
            legend="Data sought"
            options={DATA_SOUGHT}
            values={f.all('data_sought')}
            errors={e}
          />
          <TextArea
            name="notes"
            label="Anything else the legal team should know"
            value={f.get('notes')}
            errors={e}
            rows={2}
          />
          <div class={`field${e.for('process_file').length ? ' has-error' : ''}`}>
            <label for="f-process_file">{`The signed legal process (PDF, at most ${props.maxMiB} MiB)`}</label>
            <p class="hint">Choose the file last: it is sent after everything above.</p>
            {e.for('process_file').map((m) => (
              <p class="error">{m}</p>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Emergency (18 U.S.C. 2702(b)(8))</legend>
          <Checkbox
            name="emergency"
            label="This is an emergency involving danger of death or serious physical injury"
            checked={f.get('emergency') === 'on'}
          />
          <TextArea
            name="danger"
            label="What is the danger of death or serious physical injury, to whom?"
            value={f.get('danger')}
            errors={e}
            rows={3}
          />
          <TextArea
            name="why_now"
            label="Why can this not wait for legal process?"
            value={f.get('why_now')}
            errors={e}
            rows={2}
          />
          <Input
            name="callback_phone"
            label="Independent call-back number (switchboard or duty desk, not your own)"
            type="tel"
            value={f.get('callback_phone')}
            errors={e}
          />
        </fieldset>
        <fieldset>
          <legend>You</legend>
          <Input
            name="officer_name"
            label="Name"
            value={f.get('officer_name') || props.page.officer?.name}
            errors={e}
            required
          />
          <Input
            name="officer_title"
            label="Rank or title"
            value={f.get('officer_title')}
            errors={e}
            required
          />
          <Input
            name="officer_agency"
            label="Agency"
            value={f.get('officer_agency') || props.page.officer?.agency}
            errors={e}
            required
          />
          <Input
            name="officer_phone"
            label="Telephone"
            type="tel"
            value={f.get('officer_phone')}
            errors={e}
            required
          />
          <Checkbox name="attest" label={ATTESTATION} checked={f.get('attest') === 'on'} />
          {e.for('attest').map((m) => (
            <p class="error">{m}</p>
          ))}
          <Input
            name="signature"
            label="Sign: type your name"
            value={f.get('signature')}
            errors={e}
            required
          />
        </fieldset>
        <input id="f-process_file" type="file" name="process_file" accept="application/pdf,.pdf" />
        <button type="submit">Send to the legal team</button>
      </form>
    </PortalLayout>
  );
}

async function Detail(c: PortalContext, errors?: Errors): Promise<Html> {
  const {
    submission: s,
    messages,
    releases,
  } = await c.services.portal.submissions.get(c.officer, id(c, 'id'));
  const open = s.status === 'received' || s.status === 'in_review';
  return (
    <PortalLayout page={c.page} title={s.reference}>
      <p>
        <Status s={s} /> {s.emergency && <span class="p-status p-emergency">Emergency</span>}
        <span class="p-small">{` Sent ${when(s.submitted_at)}. ${s.status_text}.`}</span>
      </p>
      {s.refusal_message && (
        <Info kind="error">{`The legal team refused this submission: ${s.refusal_message}`}</Info>
      )}
      <h2>Records</h2>
      {releases.length === 0 ? (
        <p>Nothing has been released to you yet.</p>
      ) : (
        <ul class="p-list">
          {releases.map((r) => (
            <li>
              {`Production ${r.number}, released ${when(r.released_at)}: `}
              {r.available ? (
                <a
                  href={`/portal/releases/${r.id}/download`}
                >{`Download (until ${when(r.expires_at)}, ${r.downloads_left} left)`}</a>
              ) : (
                <span>{r.revoked ? 'withdrawn by the legal team' : 'no longer available'}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>Messages</h2>
      {messages.length === 0 && <p>No messages yet.</p>}
      {messages.map((m) => (
        <div class={`p-msg p-msg-${m.from === 'you' ? 'you' : 'staff'}`}>
          <p class="p-small">{`${m.from === 'you' ? 'You' : 'Legal team'}, ${when(m.at)}`}</p>
          <p class="p-body">{m.body}</p>
        </div>
      ))}
      <form method="post" action={`/portal/submissions/${s.id}/messages`} class="p-form">
        <PortalCsrf page={c.page} />
        <TextArea name="body" label="Write to the legal team" errors={errors} rows={3} />
        <button type="submit">Send message</button>
      </form>
      {open && (
        <form method="post" action={`/portal/submissions/${s.id}/withdraw`} class="p-form">
          <h2>Withdraw</h2>
          <PortalCsrf page={c.page} />
          <Checkbox
            name="after_notice_policy"
            label="I withdraw because of the provider's customer-notice policy"
            checked={false}
          />
          <button type="submit" class="p-secondary">
            Withdraw this request
          </button>
        </form>
      )}
    </PortalLayout>
  );
}

const maxMiB = (c: PortalContext) => Math.round(c.config.portal.uploadMaxBytes / 1048576);

export const routes: PortalRoute[] = [
  {
    method: 'GET',
    path: '/portal',
    access: 'public',
    handler: async (c) => {
      if (c.session && c.session.stage !== 'signed_in')
        return { redirect: c.session.stage === 'enrol' ? '/portal/enrol' : '/portal/code' };
      if (!c.page.officer) return Landing({ page: c.page });
      return Home({ page: c.page, items: await c.services.portal.submissions.list(c.officer) });
    },
  },
  {
    method: 'GET',
    path: '/portal/submit',
    access: 'signed_in',
    handler: async (c) => SubmitPage({ page: c.page, f: new Form(), maxMiB: maxMiB(c) }),
  },
  {
    method: 'POST',
    path: '/portal/submit',
    access: 'signed_in',
    upload: true,
    handler: async (c) => {
      try {
        const s = await c.services.portal.submissions.submit(
          c.officer,
          submissionInput(c.form),
          c.upload && { name: c.upload.name, stream: c.upload.file },
          c.ip,
        );
        return { redirect: `/portal/submissions/${s.id}` };
      } catch (e) {
        if (e instanceof CandorError && e.code === 'invalid')
          return {
            status: 400,
            html: SubmitPage({
              page: c.page,
              f: c.form,
              errors: new Errors(e.issues),
              message: `${e.message}: correct the fields marked below and choose the file again.`,
              maxMiB: maxMiB(c),
            }),
          };
        throw e;
      }
    },
  },
  { method: 'GET', path: '/portal/submissions/:id', access: 'signed_in', handler: (c) => Detail(c) },
  {
    method: 'POST',
    path: '/portal/submissions/:id/messages',
    access: 'signed_in',
    handler: async (c) => {
      try {
        await c.services.portal.submissions.message(c.officer, id(c, 'id'), c.form.get('body'));
      } catch (e) {
        if (e instanceof CandorError && e.code === 'invalid')
          return { status: 400, html: await Detail(c, new Errors(e.issues)) };
        throw e;
      }
      return { redirect: `/portal/submissions/${id(c, 'id')}` };
    },
  },
  {
    method: 'POST',
    path: '/portal/submissions/:id/withdraw',
    access: 'signed_in',
    handler: async (c) => {
      await c.services.portal.submissions.withdraw(
        c.officer,
        id(c, 'id'),
        c.form.get('after_notice_policy') === 'on',
      );
      return { redirect: `/portal/submissions/${id(c, 'id')}` };
    },
  },
  {
    method: 'GET',
    path: '/portal/releases/:id/download',
    access: 'signed_in',
    handler: async (c) => {
      const d = await c.services.portal.releases.download(c.officer, id(c, 'id'));
      return { download: { name: d.fileName, mediaType: 'application/zip', stream: d.stream } };
    },
  },
];
