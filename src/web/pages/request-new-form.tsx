import {
  AGENCY_KINDS,
  AGENCY_LEVELS,
  CASE_CLASSES,
  ACCESS_MODES,
  CHANNELS,
  DATA_SOUGHT,
  DELIVERY_METHODS,
  DEMAND_KINDS,
  IDENTIFIER_KINDS,
  NDO_AUTHORITIES,
  PROCESS_TYPES,
  REQUESTER_CLASSES,
  NDO_GROUNDS,
  RESTRICTION_BASES,
} from '../../domain/vocabulary.ts';
import { Checkbox, Checkboxes, ErrorSummary, Errors, Form, Input, Select, TextArea } from '../forms.tsx';
import type { Child, Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Layout, type PageContext } from '../layout.tsx';
import { fieldLabel } from '../labels.ts';

// The new-request form (split from request-new.tsx; its fields map to the intake in request-new-input.ts).

import { AnsweredSection } from './request-new-answered.tsx';
import { ACCOUNT_ARROW, US_PERSON_CHOICES, usPersonLabel } from './request-new-input.ts';

export function NewRequestPage(props: {
  ctx: PageContext;
  f: Form;
  errors: Errors;
  message: string;
  /** Above the form: the served process and its suggestions (request-new-process.tsx). */
  process?: Child;
  /** The uploaded process this request will be recorded with. */
  processDocument?: string;
}): Html {
  const { f, errors: e } = props;
  return (
    <Layout ctx={props.ctx} title="New request">
      <div class="page-head">
        <h1>New request</h1>
        <p class="lede">
          Record a request as it arrived. Fields marked * are required; everything else can be added later.
        </p>
      </div>
      {props.process}
      <ErrorSummary errors={e} message={props.message} />
      <form method="post" action="/requests" class="request-form" novalidate>
        <CsrfField ctx={props.ctx} />
        {props.processDocument && (
          <input type="hidden" name="process_document" value={props.processDocument} />
        )}
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
              name="restriction_basis"
              label={fieldLabel('restriction_basis')}
              options={RESTRICTION_BASES}
              value={f.get('restriction_basis')}
              empty="Not recorded"
              hint="For a demand to restrict content or an account: what it cites."
              errors={e}
            />
            <Input
              name="restriction_law"
              label={fieldLabel('restriction_law')}
              value={f.get('restriction_law')}
              hint="With a local law: which one (kept for staff, never published)."
              errors={e}
            />
            <Select
              name="channel"
              label="Channel"
              options={CHANNELS}
              value={f.get('channel') || 'domestic'}
              hint="Informal: a referral, a call or a flagging without legal process (a takedown request or other)."
              errors={e}
            />
            <Select
              name="access_mode"
              label="Access"
              options={ACCESS_MODES}
              value={f.get('access_mode')}
              empty="Not recorded"
              hint="Stored records, or real-time collection (wiretap and pen-register orders always are)."
              errors={e}
            />
            <Select
              name="target_us_person"
              label="Target a US person or in the US"
              options={US_PERSON_CHOICES}
              value={f.get('target_us_person')}
              empty="Not recorded"
              labelOf={usPersonLabel}
              hint="Required before answering an executive-agreement order (18 U.S.C. 2523(b)(4))"
              errors={e}
            />
            <Select
              name="restricted"
              label="Restricted matter"
              options={['no', 'yes']}
              value={f.get('restricted') || 'no'}
              labelOf={(v) =>
                v === 'yes' ? 'Restricted: only holders of the grant see it' : 'Not restricted'
              }
              hint="National-security process is always restricted; recording one needs the restricted-matters grant."
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
            <Select
              name="identifier_kind"
              label="Kind of identifier"
              options={IDENTIFIER_KINDS}
              value={f.get('identifier_kind')}
              empty="Not recorded"
              hint="What the request is about: an account, a device, a financial identifier ..."
              errors={e}
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
            errors={e}
          />
          <TextArea
            name="emergency_basis"
            label="Attested basis"
            value={f.get('emergency_basis')}
            hint="What the requester attested. Do not copy a call-back number from the request here: find the agency's number yourself (directory, official website) and record the call-back on the request page."
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

        <AnsweredSection f={f} errors={e} />

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
