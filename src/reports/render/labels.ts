import type { NationalSecurityKind } from '../../domain/national-security.ts';
import type {
  AgencyKind,
  Channel,
  IdentifierKind,
  NoticeStatus,
  Outcome,
  ProcessType,
  RestrictionBasis,
} from '../../domain/vocabulary.ts';

/** Human labels for the vocabulary values shown in the public report (the values stay in CSV/JSON). */

export const OUTCOME_LABELS: Readonly<Record<Outcome | 'in_process', string>> = {
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  withdrawn_after_notice_policy: 'Withdrawn after notice policy',
  no_data: 'No data',
  non_content_produced: 'Non-content produced',
  content_produced: 'Content produced',
  preserved: 'Preserved',
  content_restricted: 'Content restricted',
  no_action: 'No action',
  not_recorded: 'Not disclosed / not recorded',
  in_process: 'Open',
};

/** What a takedown demand cited (the law named is never shown). */
export const RESTRICTION_BASIS_LABELS: Readonly<Record<RestrictionBasis | 'not_recorded', string>> = {
  local_law: 'Local law',
  provider_terms: 'Our terms of service',
  not_stated: 'Not stated',
  not_recorded: 'Not recorded',
};

/** The type of state actor behind a demand (the agency's kind). */
export const STATE_ACTOR_LABELS: Readonly<Record<AgencyKind, string>> = {
  law_enforcement: 'Law enforcement',
  court: 'Court or judge',
  regulator: 'Regulator',
  intelligence: 'Intelligence service',
  executive: 'Government (executive)',
  legislature: 'Legislature',
  other: 'Other',
};

export const PROCESS_LABELS: Readonly<Record<ProcessType, string>> = {
  civil_investigative_demand: 'Civil investigative demand',
  court_order: 'Court order',
  court_order_2703d: '2703(d) court order',
  grand_jury_subpoena: 'Grand jury subpoena',
  subpoena: 'Subpoena',
  administrative_subpoena: 'Administrative subpoena',
  civil_subpoena: 'Civil subpoena',
  search_warrant: 'Search warrant',
  wiretap_order: 'Wiretap order',
  pen_register_order: 'Pen register / trap and trace order',
  police_force_order: 'Police force order',
  emergency_request: 'Emergency request',
  preservation_request: 'Preservation request',
  takedown_request: 'Takedown request',
  national_security_letter: 'National Security Letter',
  fisa_content_order: 'FISA order (content)',
  fisa_non_content_order: 'FISA order (non-content)',
  foreign_national_security_order: 'Foreign national-security order',
  mlat_request: 'MLAT request',
  other: 'Other',
};

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  domestic: 'Directly from the authority',
  mlat: 'Mutual legal assistance treaty (MLAT)',
  letter_rogatory: 'Letter rogatory',
  executive_agreement: 'CLOUD Act executive agreement',
  eu_e_evidence: 'EU e-Evidence order',
  dsa_art_9: 'EU DSA Art. 9 order to act',
  dsa_art_10: 'EU DSA Art. 10 order to provide information',
  informal: 'Informal (no legal process)',
};

/** Labels of the notice table's rows, in display order; keys are the table's fields. */
export const NOTICE_ROWS = [
  ['given', 'Notice given'],
  ['given_after_order_expired', '  of which after an order expired or was lifted'],
  ['prevented_by_order', 'Notice prevented by a non-disclosure order'],
  ['of_which_indefinite', '  of which by an order with no end date'],
  ['delayed_emergency', 'Notice delayed during an emergency'],
  ['not_possible', 'Notice not possible (no contact)'],
  ['not_applicable', 'Notice not applicable'],
  ['pending', 'Notice decision pending'],
  ['not_recorded', 'Notice not recorded (history)'],
] as const;

// Not every notice status is a row (sent splits into given / given_after_order_expired): keep the
// mapping here so a new status in the vocabulary fails to compile until it is placed.
export const NOTICE_STATUS_ROW: Readonly<Record<NoticeStatus, (typeof NOTICE_ROWS)[number][0]>> = {
  pending: 'pending',
  sent: 'given',
  prohibited_by_order: 'prevented_by_order',
  delayed_emergency: 'delayed_emergency',
  not_possible: 'not_possible',
  not_applicable: 'not_applicable',
  not_recorded: 'not_recorded',
};

export const IDENTIFIER_KIND_LABELS: Readonly<Record<IdentifierKind | 'not_recorded', string>> = {
  account: 'Account',
  email: 'E-mail address',
  phone: 'Phone number',
  device: 'Device',
  ip_address: 'IP address',
  financial: 'Financial identifier',
  push_token: 'Push token',
  url: 'URL',
  other: 'Other',
  not_recorded: 'Not recorded',
};

export const LEVEL_LABELS = {
  federal: 'Federal',
  state: 'State',
  local: 'Local (incl. municipal)',
  other: 'Other',
  not_recorded: 'Not recorded',
} as const;

export const NATIONAL_SECURITY_LABELS: Readonly<Record<NationalSecurityKind, string>> = {
  nsl: 'National Security Letters',
  fisa_content: 'FISA orders and directives for content',
  fisa_non_content: 'FISA orders for non-content',
  combined: 'All national-security process (NSLs and FISA)',
};

export const SUMMARY_LABELS = {
  requests: 'Requests received',
  identifiers_specified: 'Identifiers specified',
  accounts_specified: 'Accounts specified',
  accounts_with_data_produced: 'Accounts with data produced',
  in_process: 'Requests in process at period end',
} as const;

/** `STATEMENT_CATEGORY_SCAMS_AND_FRAUD` -> `Scams and fraud`; `KEYWORD_PHISHING` -> `Phishing`. */
export function dsaLabel(code: string): string {
  if (code === 'TOTAL') return 'All categories';
  const words = code
    .replace(/^(STATEMENT_CATEGORY_|KEYWORD_)/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A fraction in [0,1] as a percentage with one decimal: 0.2649 -> "26.5%"; null -> "n/a". */
/** A count as people read it: thousands separated (1,234). CSV and JSON keep the bare integer. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** A band as people read it: `0 - 249`, `1,000 - 1,999`. */
export const bandText = (b: { low: number; high: number }): string =>
  `${formatCount(b.low)} - ${formatCount(b.high)}`;

/** A table cell as text: counts with thousands separators, anything else as it is. */
export const cellText = (c: string | number): string => (typeof c === 'number' ? formatCount(c) : c);

export const formatPct = (pct: number | null): string =>
  pct === null ? 'n/a' : `${(pct * 100).toFixed(1)}%`;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2015-06-30` -> `30 June 2015` (no locale or time zone involved, so output is stable). */
export function formatDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? '?'} ${y}`;
}
