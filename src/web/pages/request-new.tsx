import { requestInput, type RequestInput } from '../../domain/request-input.ts';
import {
  AGENCY_KINDS,
  AGENCY_LEVELS,
  CASE_CLASSES,
  CHANNELS,
  DATA_SOUGHT,
  DELIVERY_METHODS,
  DEMAND_KINDS,
  DSA_CATEGORIES,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  PROCESS_TYPES,
  REQUESTER_CLASSES,
} from '../../domain/vocabulary.ts';
import { CandorError, zodIssues, type FieldIssue } from '../../errors.ts';
import { redirect, type WebRoute } from '../context.ts';
import { Checkbox, Checkboxes, ErrorSummary, Errors, Form, Input, Select, TextArea } from '../forms.tsx';
import type { Html } from '../jsx/jsx-runtime.ts';
import { CsrfField, Layout, type PageContext } from '../layout.tsx';

const NDO_GROUNDS = ['endanger_life', 'flight', 'evidence', 'witnesses', 'jeopardize', 'other'] as const;
/** Separates an identifier from the account it belongs to, on one line of the identifiers box. */
const ACCOUNT_ARROW = '=>';

/** `datetime-local` gives `2026-01-10T09:30`; the form says UTC, so it is read as UTC. */
function instantFrom(v: string): string | undefined {
  if (!v) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.length === 16 ? `${v}:00` : v}Z` : v;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The form, turned into the intake shape every door shares (`requestInput`). */
export function formToInput(f: Form): Record<string, unknown> {
  const opt = (k: string) => f.get(k) || undefined;
  const items = f.get('items_of_information');
  return {
    external_ref: f.get('external_ref'),
    received_at: instantFrom(f.get('received_at')) ?? '',
    delivered_via: opt('delivered_via'),
    agency: {
      name: f.get('agency.name'),
      kind: f.get('agency.kind'),
      level: f.get('agency.level'),
      country: f.get('agency.country'),
      subdivision: opt('agency.subdivision'),
    },
    issuer: opt('issuer'),
    requester_class: opt('requester_class'),
    channel: opt('channel'),
    process_type: f.get('process_type'),
    legal_authority: opt('legal_authority'),
    case_class: opt('case_class'),
    emergency: f.get('emergency') === 'on',
    emergency_basis: opt('emergency_basis'),
    demand_kind: opt('demand_kind'),
    data_sought: f.all('data_sought'),
    accounts: lines(f.get('accounts')),
    identifiers: lines(f.get('identifiers')).map((l) => {
      const [value, account] = l.split(ACCOUNT_ARROW).map((s) => s.trim());
      return account ? { value, account } : { value };
    }),
    items_of_information: items === '' ? undefined : /^\d+$/.test(items) ? Number(items) : items,
    dsa_category: opt('dsa_category'),
    acknowledged_at: instantFrom(f.get('acknowledged_at')),
    effect_given_at: instantFrom(f.get('effect_given_at')),
    outcome: opt('outcome'),
    responded_at: instantFrom(f.get('responded_at')),
    notice_status: opt('notice_status'),
    ndo:
      f.get('ndo.present') === 'on'
        ? {
            authority: f.get('ndo.authority') || undefined,
            issuing_court: opt('ndo.issuing_court'),
            issued_at: opt('ndo.issued_at'),
            expires_at: f.get('ndo.indefinite') === 'on' ? null : (opt('ndo.expires_at') ?? ''),
            ground: opt('ndo.ground'),
          }
        : undefined,
    data_location: opt('data_location'),
    notes: opt('notes'),
  };
}

function NewRequestPage(props: { ctx: PageContext; f: Form; errors: Errors; message: string }): Html {
  const { f, errors: e } = props;
  return (
    <Layout ctx={props.ctx} title="New request">
      <div class="page-head">
        <h1>New request</h1>
        <p class="lede">
          Record a request as it arrived. Fields marked * are required; everything else can be added later.
        </p>
      </div>
      <ErrorSummary errors={e} message={props.message} />
      <form method="post" action="/requests" class="request-form" novalidate>
        <CsrfField ctx={props.ctx} />
        <fieldset class="card">
          <legend>The request</legend>
          <div class="grid">
            <Input
              name="external_ref"
              label="External reference *"
              value={f.get('external_ref')}
              hint="The agency's case or docket number."
              errors={e}
              required
            />
            <Input
              name="received_at"
              label="Received (UTC) *"
              type="datetime-local"
              value={f.get('received_at')}
              errors={e}
              required
            />
            <Select
              name="delivered_via"
              label="Delivered via"
              options={DELIVERY_METHODS}
              value={f.get('delivered_via')}
              empty="—"
              errors={e}
            />
            <Select
              name="process_type"
              label="Process type *"
              options={PROCESS_TYPES}
              value={f.get('process_type')}
              empty="Choose…"
              errors={e}
            />
            <Input
              name="legal_authority"
              label="Legal authority"
              value={f.get('legal_authority')}
              hint="Citation, e.g. 18 U.S.C. 2703(d)."
              errors={e}
            />
            <Select
              name="case_class"
              label="Case class"
              options={CASE_CLASSES}
              value={f.get('case_class')}
              empty="—"
              errors={e}
            />
            <Select
              name="demand_kind"
              label="Demand"
              options={DEMAND_KINDS}
              value={f.get('demand_kind')}
              empty="From the process type"
              errors={e}
            />
            <Select
              name="channel"
              label="Channel"
              options={CHANNELS}
              value={f.get('channel') || 'domestic'}
              errors={e}
            />
          </div>
          <Checkboxes
            name="data_sought"
            legend="Data sought"
            options={DATA_SOUGHT}
            values={f.all('data_sought')}
            errors={e}
          />
        </fieldset>

        <fieldset class="card">
          <legend>Requester</legend>
          <div class="grid">
            <Input
              name="agency.name"
              label="Agency *"
              value={f.get('agency.name')}
              list="agency-options"
              autocomplete="off"
              hint="Start typing to pick a known agency."
              errors={e}
              required
              wide
            />
            <datalist id="agency-options"></datalist>
            <Select
              name="agency.kind"
              label="Agency kind *"
              options={AGENCY_KINDS}
              value={f.get('agency.kind') || 'law_enforcement'}
              errors={e}
            />
            <Select
              name="agency.level"
              label="Level of government *"
              options={AGENCY_LEVELS}
              value={f.get('agency.level') || 'federal'}
              errors={e}
            />
            <Input
              name="agency.country"
              label="Country *"
              value={f.get('agency.country')}
              hint="ISO code, e.g. US, DE."
              errors={e}
              required
            />
            <Input
              name="agency.subdivision"
              label="Subdivision"
              value={f.get('agency.subdivision')}
              hint="e.g. US-CA."
              errors={e}
            />
            <Input
              name="issuer"
              label="Issuer"
              value={f.get('issuer')}
              hint="Court or judge, grand jury, or the agency itself."
              errors={e}
            />
            <Select
              name="requester_class"
              label="Requester class"
              options={REQUESTER_CLASSES}
              value={f.get('requester_class') || 'government'}
              errors={e}
            />
          </div>
        </fieldset>

        <fieldset class="card">
          <legend>Targets</legend>
          <div class="grid two">
            <TextArea
              name="accounts"
              label="Accounts"
              value={f.get('accounts')}
              hint="One account identifier per line."
              errors={e}
              rows={4}
            />
            <TextArea
              name="identifiers"
              label="Other identifiers"
              value={f.get('identifiers')}
              hint={`Phone numbers, e-mail, IP addresses, URLs: one per line; add "${ACCOUNT_ARROW} account" to link one to an account.`}
              errors={e}
              rows={4}
            />
          </div>
        </fieldset>

        <fieldset class="card">
          <legend>Emergency</legend>
          <Checkbox
            name="emergency"
            label="This is an emergency request"
            checked={f.get('emergency') === 'on'}
            hint="Danger of death or serious physical injury (18 U.S.C. 2702(b)(8), (c)(4))."
          />
          <TextArea
            name="emergency_basis"
            label="Attested basis"
            value={f.get('emergency_basis')}
            hint="What the requester attested, and how it was verified (call-back number)."
            errors={e}
            wide
          />
        </fieldset>

        <fieldset class="card">
          <legend>Non-disclosure order</legend>
          <Checkbox
            name="ndo.present"
            label="The request comes with a non-disclosure order"
            checked={f.get('ndo.present') === 'on'}
          />
          <div class="grid">
            <Select
              name="ndo.authority"
              label="Authority"
              options={NDO_AUTHORITIES}
              value={f.get('ndo.authority') || 'sca_2705b'}
              errors={e}
            />
            <Input
              name="ndo.issuing_court"
              label="Issuing court"
              value={f.get('ndo.issuing_court')}
              errors={e}
            />
            <Input
              name="ndo.issued_at"
              label="Issued"
              type="date"
              value={f.get('ndo.issued_at')}
              errors={e}
            />
            <Input
              name="ndo.expires_at"
              label="Expires"
              type="date"
              value={f.get('ndo.expires_at')}
              errors={e}
            />
            <Select
              name="ndo.ground"
              label="Ground"
              options={NDO_GROUNDS}
              value={f.get('ndo.ground')}
              empty="—"
              errors={e}
            />
          </div>
          <Checkbox
            name="ndo.indefinite"
            label="The order has no end date"
            checked={f.get('ndo.indefinite') === 'on'}
          />
          {e.for('ndo').map((m) => (
            <p class="error">{m}</p>
          ))}
        </fieldset>

        <details
          class="card"
          open={[
            'outcome',
            'responded_at',
            'notice_status',
            'items_of_information',
            'dsa_category',
            'acknowledged_at',
            'effect_given_at',
            'data_location',
            'notes',
          ].some((k) => f.get(k) !== '' || e.for(k).length > 0)}
        >
          <summary>Outcome, EU fields and notes (for requests already answered)</summary>
          <div class="grid">
            <Select
              name="outcome"
              label="Outcome"
              options={OUTCOMES}
              value={f.get('outcome')}
              empty="Not answered yet"
              errors={e}
            />
            <Input
              name="responded_at"
              label="Responded (UTC)"
              type="datetime-local"
              value={f.get('responded_at')}
              errors={e}
            />
            <Select
              name="notice_status"
              label="Customer notice"
              options={NOTICE_STATUSES}
              value={f.get('notice_status')}
              empty="Decided by the notice policy"
              errors={e}
            />
            <Input
              name="data_location"
              label="Data location"
              value={f.get('data_location')}
              hint="Country code where the data is held."
              errors={e}
            />
            <Input
              name="items_of_information"
              label="Items of information"
              type="number"
              value={f.get('items_of_information')}
              hint="DSA: items of content concerned."
              errors={e}
            />
            <Select
              name="dsa_category"
              label="DSA category"
              options={DSA_CATEGORIES}
              value={f.get('dsa_category')}
              empty="—"
              errors={e}
            />
            <Input
              name="acknowledged_at"
              label="Acknowledged (UTC)"
              type="datetime-local"
              value={f.get('acknowledged_at')}
              errors={e}
            />
            <Input
              name="effect_given_at"
              label="Effect given (UTC)"
              type="datetime-local"
              value={f.get('effect_given_at')}
              errors={e}
            />
          </div>
          <TextArea name="notes" label="Notes" value={f.get('notes')} errors={e} rows={4} wide />
        </details>

        <div class="actions">
          <button type="submit" class="primary">
            Record request
          </button>
          <a href="/requests">Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

/** The form's wording for schema messages written for API clients (a list of enum values, a type name). */
function friendly(issues: FieldIssue[]): FieldIssue[] {
  return issues.map((i) => {
    if (/^invalid option/i.test(i.message)) return { ...i, message: 'choose one of the options' };
    if (/^invalid input: expected string, received undefined/i.test(i.message))
      return { ...i, message: 'required' };
    if (/too small: expected string to have >=1/i.test(i.message)) return { ...i, message: 'required' };
    return i;
  });
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/new',
    access: 'request.create',
    handler: async (c) => NewRequestPage({ ctx: c.page, f: new Form(), errors: new Errors(), message: '' }),
  },
  {
    method: 'POST',
    path: '/requests',
    access: 'request.create',
    handler: async (c) => {
      const parsed = requestInput.safeParse(formToInput(c.form) as RequestInput);
      const again = (issues: FieldIssue[], message: string) => ({
        status: 400,
        html: NewRequestPage({ ctx: c.page, f: c.form, errors: new Errors(issues), message }),
      });
      if (!parsed.success)
        return again(
          friendly(zodIssues(parsed.error.issues)),
          'Some fields need attention; see the messages beside them.',
        );
      try {
        const created = await c.services.requests.create(c.actor, parsed.data);
        return redirect(`/requests/${created.id}?created=1`);
      } catch (err) {
        if (err instanceof CandorError && (err.code === 'invalid' || err.code === 'conflict'))
          return again(err.issues, err.message);
        throw err;
      }
    },
  },
];
