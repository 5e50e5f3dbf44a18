import type { Form } from '../forms.tsx';

// The new-request form's fields, turned into the intake shape every door shares (`requestInput`).

/** Separates an identifier from the account it belongs to, on one line of the identifiers box. */
export const ACCOUNT_ARROW = '=>';

/** The choices of the "target a US person" select; empty is "not recorded". */
export const US_PERSON_CHOICES = ['yes', 'no'] as const;
export const usPersonLabel = (v: string): string =>
  v === 'yes' ? 'Yes: a US person or in the US' : v === 'no' ? 'No' : v;
/** The select's value as the intake shape has it: true, false, or not recorded (null). */
export function usPersonFrom(v: string): boolean | null | string {
  return v === 'yes' ? true : v === 'no' ? false : v === '' ? null : v;
}
/** A stored value as the select shows it. */
export const usPersonShown = (v: boolean | null | undefined): string => (v == null ? '' : v ? 'yes' : 'no');

/** `datetime-local` gives `2026-01-10T09:30`; the form says UTC, so it is read as UTC. */
export function instantFrom(v: string): string | undefined {
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
    identifier_kind: opt('identifier_kind'),
    access_mode: opt('access_mode'),
    items_of_information: items === '' ? undefined : /^\d+$/.test(items) ? Number(items) : items,
    dsa_category: opt('dsa_category'),
    dsa_keyword: opt('dsa_keyword'),
    dsa_keyword_other: opt('dsa_keyword_other'),
    restriction_basis: opt('restriction_basis'),
    restriction_law: opt('restriction_law'),
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
    target_us_person: usPersonFrom(f.get('target_us_person')) ?? undefined,
    // Absent: restricted for national-security process only (docs/workflow.md, "Restricted matters").
    restricted: f.get('restricted') === 'yes' ? true : undefined,
    notes: opt('notes'),
  };
}
