import { DSA_KEYWORDS_BY_CATEGORY } from '../../domain/dsa-keywords.ts';
import { requestPatch } from '../../domain/request-input.ts';
import {
  AGENCY_KINDS,
  AGENCY_LEVELS,
  ACCESS_MODES,
  CHANNELS,
  DATA_SOUGHT,
  DSA_CATEGORIES,
  IDENTIFIER_KINDS,
  RESTRICTION_BASES,
  PROCESS_TYPES,
  REQUESTER_CLASSES,
} from '../../domain/vocabulary.ts';
import { CandorError, zodIssues, type FieldIssue } from '../../errors.ts';
import type { RequestService } from '../../services/requests.ts';
import { redirect, type WebRoute } from '../context.ts';
import { Checkboxes, ErrorSummary, Errors, Form, Input, Select, TextArea } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Layout, type PageContext } from '../layout.tsx';
import { fieldLabel } from '../labels.ts';
import { requestId } from './request-detail.tsx';
import {
  ACCOUNT_ARROW,
  US_PERSON_CHOICES,
  usPersonFrom,
  usPersonLabel,
  usPersonShown,
} from './request-new-input.ts';

type Detail = Awaited<ReturnType<RequestService['get']>>;

// Correcting a request's facts in the web app: the form becomes a PATCH (the fields that changed, with the
// version the page was read at) and goes to the same service function as PATCH /api/v1/requests/:id, so the
// same checks, the policy gate and the optimistic concurrency apply, and the change is in the history.

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The form's fields as the page shows them for a stored request (strings, as the browser sends them back). */
function shown(r: Detail): Record<string, string | string[]> {
  const accounts = r.targets.filter((t) => t.account === t.identifier).map((t) => t.identifier);
  const identifiers = r.targets
    .filter((t) => t.account !== t.identifier)
    .map((t) => (t.account ? `${t.identifier} ${ACCOUNT_ARROW} ${t.account}` : t.identifier));
  return {
    'agency.name': r.agency.name,
    'agency.kind': r.agency.kind,
    'agency.level': r.agency.level,
    'agency.country': r.agency.country,
    'agency.subdivision': r.agency.subdivision ?? '',
    issuer: r.issuer ?? '',
    requester_class: r.requester_class,
    channel: r.channel,
    target_us_person: usPersonShown(r.target_us_person),
    restricted: r.restricted ? 'yes' : 'no',
    process_type: r.process_type,
    legal_authority: r.legal_authority ?? '',
    received_at: r.received_at.slice(0, 16),
    data_sought: [...r.data_sought],
    accounts: accounts.join('\n'),
    identifiers: identifiers.join('\n'),
    identifier_kind: r.identifier_kind ?? '',
    access_mode: r.access_mode ?? '',
    restriction_basis: r.restriction_basis ?? '',
    restriction_law: r.restriction_law ?? '',
    dsa_category: r.dsa_category ?? '',
    dsa_keyword: r.dsa_keyword ?? '',
    dsa_keyword_other: r.dsa_keyword_other ?? '',
    notes: r.notes ?? '',
  };
}

const same = (a: string | string[] | undefined, b: string | string[] | undefined) =>
  JSON.stringify(Array.isArray(a) ? [...a].sort() : (a ?? '').trim()) ===
  JSON.stringify(Array.isArray(b) ? [...b].sort() : (b ?? '').trim());

/** The content-demand fields (issues 16.1, 19.8): optional codes or text, cleared to null. */
const CONTENT_FIELDS = [
  'restriction_basis',
  'restriction_law',
  'dsa_category',
  'dsa_keyword',
  'dsa_keyword_other',
] as const;

/** The submitted form as a patch of only the facts that differ from what the page showed. */
export function formToPatch(f: Form, r: Detail): Record<string, unknown> {
  const before = shown(r);
  const now = (k: string) => (Array.isArray(before[k]) ? f.all(k) : f.get(k));
  // A field the form did not send (a checkbox group sends nothing when all are cleared) is left alone, except
  // data sought, which the form always shows.
  const changed = (k: string) => (f.has(k) || k === 'data_sought') && !same(now(k), before[k]);
  const opt = (k: string) => f.get(k) || null;
  const patch: Record<string, unknown> = {};
  if (Object.keys(before).some((k) => k.startsWith('agency.') && changed(k))) {
    patch.agency = {
      name: f.get('agency.name'),
      kind: f.get('agency.kind'),
      level: f.get('agency.level'),
      country: f.get('agency.country').toUpperCase(),
      subdivision: f.get('agency.subdivision') || undefined,
    };
  }
  if (changed('issuer')) patch.issuer = opt('issuer');
  if (changed('requester_class')) patch.requester_class = f.get('requester_class');
  if (changed('channel')) patch.channel = f.get('channel');
  if (changed('target_us_person')) patch.target_us_person = usPersonFrom(f.get('target_us_person'));
  if (changed('restricted')) patch.restricted = f.get('restricted') === 'yes';
  if (changed('process_type')) patch.process_type = f.get('process_type');
  if (changed('legal_authority')) patch.legal_authority = opt('legal_authority');
  if (changed('received_at')) {
    const v = f.get('received_at');
    patch.received_at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v;
  }
  if (changed('data_sought')) patch.data_sought = f.all('data_sought');
  if (changed('accounts') || changed('identifiers')) {
    patch.accounts = lines(f.get('accounts'));
    patch.identifiers = lines(f.get('identifiers')).map((l) => {
      const [value, account] = l.split(ACCOUNT_ARROW).map((s) => s.trim());
      return account ? { value, account } : { value };
    });
  }
  if (changed('identifier_kind')) patch.identifier_kind = opt('identifier_kind');
  if (changed('access_mode')) patch.access_mode = opt('access_mode');
  for (const k of CONTENT_FIELDS) if (changed(k)) patch[k] = opt(k);
  if (changed('notes')) patch.notes = opt('notes');
  return patch;
}

function EditPage(props: {
  ctx: PageContext;
  r: Detail;
  f: Form | null;
  version: number;
  errors: Errors;
  message: string;
}): Html {
  const { r } = props;
  const v = shown(r);
  const val = (k: string) => (props.f ? props.f.get(k) : String(v[k] ?? ''));
  const all = (k: string) => (props.f ? props.f.all(k) : (v[k] as string[]));
  const e = props.errors;
  return (
    <Layout ctx={props.ctx} title={`Correct ${r.external_ref}`}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/requests">Requests</a> / <a href={`/requests/${r.id}`}>{r.external_ref}</a> /{' '}
        <span>Correct</span>
      </nav>
      <div class="page-head">
        <h1>Correct the facts of {r.external_ref}</h1>
        <p class="lede">
          Every change is checked as at intake (and by the policy gate), and shown in the request's history
          with what it was before.
        </p>
      </div>
      <ErrorSummary errors={e} message={props.message} />
      <form method="post" action={`/requests/${r.id}/edit`} class="card form">
        <CsrfField ctx={props.ctx} />
        <input type="hidden" name="version" value={String(props.version)} />
        <fieldset>
          <legend>Requester</legend>
          <Input name="agency.name" label="Agency" value={val('agency.name')} errors={e} required wide />
          <Select
            name="agency.kind"
            label="Kind"
            options={AGENCY_KINDS}
            value={val('agency.kind')}
            errors={e}
          />
          <Select
            name="agency.level"
            label="Level"
            options={AGENCY_LEVELS}
            value={val('agency.level')}
            errors={e}
          />
          <Input name="agency.country" label="Country (ISO code)" value={val('agency.country')} errors={e} />
          <Input name="agency.subdivision" label="Subdivision" value={val('agency.subdivision')} errors={e} />
          <Input name="issuer" label="Issuer (court or official)" value={val('issuer')} errors={e} wide />
          <Select
            name="requester_class"
            label="Requester class"
            options={REQUESTER_CLASSES}
            value={val('requester_class')}
            errors={e}
          />
        </fieldset>
        <fieldset>
          <legend>Process</legend>
          <Select
            name="process_type"
            label="Process type"
            options={PROCESS_TYPES}
            value={val('process_type')}
            errors={e}
          />
          <Select name="channel" label="Channel" options={CHANNELS} value={val('channel')} errors={e} />
          <Select
            name="access_mode"
            label="Access"
            options={ACCESS_MODES}
            value={val('access_mode')}
            empty="Not recorded"
            errors={e}
          />
          <Select
            name="target_us_person"
            label="Target a US person or in the US"
            options={US_PERSON_CHOICES}
            value={val('target_us_person')}
            empty="Not recorded"
            labelOf={usPersonLabel}
            errors={e}
          />
          <Select
            name="restricted"
            label="Restricted matter"
            options={['no', 'yes']}
            value={val('restricted')}
            labelOf={(v) => (v === 'yes' ? 'Restricted: only holders of the grant see it' : 'Not restricted')}
            hint="National-security process is always restricted; only holders of the restricted-matters grant change this."
            errors={e}
          />
          <Input
            name="legal_authority"
            label="Legal authority"
            value={val('legal_authority')}
            errors={e}
            wide
          />
          <Input
            name="received_at"
            label="Received (UTC)"
            type="datetime-local"
            value={val('received_at')}
            errors={e}
          />
          <Checkboxes
            name="data_sought"
            legend="Data sought"
            options={DATA_SOUGHT}
            values={all('data_sought')}
            errors={e}
          />
        </fieldset>
        <fieldset>
          <legend>Content demand</legend>
          <Select
            name="restriction_basis"
            label={fieldLabel('restriction_basis')}
            options={RESTRICTION_BASES}
            value={val('restriction_basis')}
            empty="Not recorded"
            hint="For a demand to restrict content or an account: what it cites."
            errors={e}
          />
          <Input
            name="restriction_law"
            label={fieldLabel('restriction_law')}
            value={val('restriction_law')}
            hint="With a local law: which one (kept for staff, never published)."
            errors={e}
            wide
          />
          <Select
            name="dsa_category"
            label={fieldLabel('dsa_category')}
            options={DSA_CATEGORIES}
            value={val('dsa_category')}
            empty="—"
            errors={e}
          />
          <Select
            name="dsa_keyword"
            label={fieldLabel('dsa_keyword')}
            options={[]}
            groups={DSA_KEYWORDS_BY_CATEGORY}
            value={val('dsa_keyword')}
            empty="—"
            hint="One of the DSA category's sub-categories."
            errors={e}
          />
          <Input
            name="dsa_keyword_other"
            label={fieldLabel('dsa_keyword_other')}
            value={val('dsa_keyword_other')}
            hint="For the sub-category Other: what it holds (published in the DSA files)."
            errors={e}
            wide
          />
        </fieldset>
        <fieldset>
          <legend>Identifiers</legend>
          <TextArea
            name="accounts"
            label="Accounts, one a line"
            value={val('accounts')}
            errors={e}
            rows={3}
          />
          <TextArea
            name="identifiers"
            label={`Identifiers, one a line (value ${ACCOUNT_ARROW} account)`}
            value={val('identifiers')}
            errors={e}
            rows={3}
          />
          <Select
            name="identifier_kind"
            label="Kind of identifier"
            options={IDENTIFIER_KINDS}
            value={val('identifier_kind')}
            empty="Not recorded"
            errors={e}
          />
        </fieldset>
        <TextArea name="notes" label="Notes" value={val('notes')} errors={e} rows={4} wide />
        <div class="actions">
          <button type="submit" class="primary">
            Save the correction
          </button>
          <a href={`/requests/${r.id}`}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

/** Field issues named in the patch's words (`agency.name`), as the form names its fields. */
const formIssues = (issues: FieldIssue[]) =>
  issues.map((i) => ({ ...i, field: i.field.replace(/^body\./, '') }));

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/:id/edit',
    access: 'request.update',
    handler: async (c) => {
      const r = await c.services.requests.get(c.actor, requestId(c));
      return EditPage({ ctx: c.page, r, f: null, version: r.version, errors: new Errors(), message: '' });
    },
  },
  {
    method: 'POST',
    path: '/requests/:id/edit',
    access: 'request.update',
    handler: async (c) => {
      const id = requestId(c);
      const r = await c.services.requests.get(c.actor, id);
      const again = (issues: FieldIssue[], message: string, status = 400) => ({
        status,
        html: EditPage({ ctx: c.page, r, f: c.form, version, errors: new Errors(issues), message }),
      });
      const version = Number(c.form.get('version'));
      const parsed = requestPatch.safeParse({
        ...formToPatch(c.form, r),
        version: c.form.get('version') === '' ? undefined : version,
      });
      if (!parsed.success) {
        return again(
          formIssues(zodIssues(parsed.error.issues)),
          'Some fields need attention; see the messages beside them.',
        );
      }
      const { version: v, ...patch } = parsed.data;
      if (Object.keys(patch).length === 0) return redirect(`/requests/${id}`);
      try {
        await c.services.requests.update(c.actor, id, v, patch);
      } catch (err) {
        if (err instanceof CandorError && ['invalid', 'invalid_state'].includes(err.code))
          return again(formIssues(err.issues), err.message);
        if (err instanceof CandorError && err.code === 'conflict')
          return again(
            [],
            `${err.message}. Your changes are below; the request now reads as on its page.`,
            409,
          );
        throw err;
      }
      return redirect(`/requests/${id}?done=corrected`);
    },
  },
];
