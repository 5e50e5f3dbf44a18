import { NUMBER_SOURCES } from '../domain/emergency.ts';
import { NOTICE_KINDS } from '../domain/notice-template.ts';
import { HOLD_REGIMES } from '../domain/preservation.ts';
import {
  AGENCY_KINDS,
  AGENCY_LEVELS,
  CASE_CLASSES,
  CHANNELS,
  DATA_SOUGHT,
  DELIVERY_METHODS,
  DEMAND_KINDS,
  IDENTIFIER_KINDS,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  PROCESS_TYPES,
  REQUEST_STATUSES,
  REQUESTER_CLASSES,
  RESTRICTION_BASES,
  ROLES,
  APPROVAL_PURPOSES,
  CORRESPONDENCE_CHANNELS,
  CORRESPONDENCE_DIRECTIONS,
  ACCESS_MODES,
  CHALLENGE_RESULTS,
  CHALLENGE_STAGES,
} from '../domain/vocabulary.ts';
import { CHANNEL_LABELS, OUTCOME_LABELS, PROCESS_LABELS } from '../reports/render/labels.ts';

/** Code words whose plain spelling reads badly: statutes, acronyms and terse names. */
const WORDS: Readonly<Record<string, string>> = {
  sca_2703f: '18 U.S.C. 2703(f) preservation',
  sca_2705b: '18 U.S.C. 2705(b) order',
  nsl_2709c: 'NSL non-disclosure, 18 U.S.C. 2709(c)',
  fisa: 'FISA order',
  eu_epoc_pr: 'EU preservation order (EPOC-PR)',
  foreign: 'Foreign law',
  basic_subscriber: 'Basic subscriber information',
  non_content: 'Non-content data',
  content: 'Content',
  delayed_emergency: 'Delayed (emergency)',
  prohibited_by_order: 'Prohibited by an order',
  api: 'API',
  ip_address: 'IP address',
  financial: 'Financial identifier',
  device: 'Device identifier',
  push_token: 'Push token',
  url: 'URL',
  email: 'E-mail',
  in_person: 'In person',
  request: 'The request itself',
  endanger_life: 'Danger to life or safety',
  flight: 'Flight from prosecution',
  evidence: 'Destruction of evidence',
  witnesses: 'Intimidation of witnesses',
  jeopardize: 'Jeopardising the investigation',
  process_received: 'Legal process received',
  emergency_disclosure: 'Emergency disclosure',
  legal_sign_off: 'Legal sign-off',
  STATEMENT_CATEGORY_OTHER_VIOLATION_TC: 'Other violation of terms and conditions',
  STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER: 'Not specified (order)',
  STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE: 'Not specified (notice)',
  KEYWORD_OTHER: 'Other (describe it)',
  local_law: 'A local law',
  provider_terms: "The provider's terms",
  not_stated: 'Not stated',
  stored: 'Stored records',
  prospective: 'Real-time (prospective)',
  partly_won: 'Partly won (narrowed)',
  withdrawn_by_requester: 'Withdrawn by the requester',
};

/** A readable label for any vocabulary value: the report's labels where they exist, else the words. */
export function label(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const known =
    (PROCESS_LABELS as Record<string, string>)[value] ??
    (OUTCOME_LABELS as Record<string, string>)[value] ??
    (CHANNEL_LABELS as Record<string, string>)[value] ??
    WORDS[value];
  if (known) return known;
  const words = value
    .replace(/^(STATEMENT_CATEGORY|KEYWORD)_/, '')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `2026-01-10 09:30 UTC` from an ISO instant. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Every code word of the fixed vocabularies, and the few other codes the record stores. */
const CODES: ReadonlySet<string> = new Set<string>([
  ...PROCESS_TYPES,
  ...OUTCOMES,
  ...NOTICE_STATUSES,
  ...DATA_SOUGHT,
  ...AGENCY_KINDS,
  ...AGENCY_LEVELS,
  ...REQUEST_STATUSES,
  ...CHANNELS,
  ...DELIVERY_METHODS,
  ...NDO_AUTHORITIES,
  ...REQUESTER_CLASSES,
  ...CASE_CLASSES,
  ...DEMAND_KINDS,
  ...IDENTIFIER_KINDS,
  ...ROLES,
  ...HOLD_REGIMES,
  ...NOTICE_KINDS,
  ...NUMBER_SOURCES,
  ...CORRESPONDENCE_DIRECTIONS,
  ...CORRESPONDENCE_CHANNELS,
  ...ACCESS_MODES,
  ...CHALLENGE_STAGES,
  ...CHALLENGE_RESULTS,
  ...RESTRICTION_BASES,
  // Per-account results, order grounds, hold release reasons, approval purposes, outbox and hold states.
  ...['produced', 'preserved', 'restricted', 'deleted', 'no_data', 'not_produced'],
  ...['endanger_life', 'flight', 'evidence', 'witnesses', 'jeopardize', 'other'],
  ...['expired_without_process', 'process_received', 'withdrawn'],
  ...APPROVAL_PURPOSES,
  ...['queued', 'sending', 'sent', 'failed', 'cancelled', 'active', 'expired', 'released'],
]);

/**
 * Whether a stored value is a code word (shown with `label()`) rather than text someone typed (shown as
 * typed): one of the known codes, or any snake_case word with an underscore, which typed text never is.
 */
export function isCode(value: string): boolean {
  return CODES.has(value) || /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(value);
}

/**
 * A sentence from the rules (a due item's detail, a notice decision's reason) with its code words spelled out
 * and its instants as `when()` writes them: `respond to search_warrant` reads `respond to search warrant`. Labels keep their capitals where a word
 * other than the first has one (`National Security Letter`), or where the first is an acronym (`FISA`).
 */
export function inWords(text: string): string {
  return text
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g, (iso) => when(iso))
    .replace(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, (code) => {
      const words = label(code);
      const proper = /^[A-Z][a-z]/.test(words) && !/\s[A-Z]/.test(words);
      return proper ? words.charAt(0).toLowerCase() + words.slice(1) : words;
    });
}

/** Names of record fields (audit log keys) where the spelled-out key reads badly. */
const FIELDS: Readonly<Record<string, string>> = {
  notice_status: 'Customer notice',
  assigned_to: 'Handler',
  email: 'E-mail',
  to: 'To',
  produced: 'Produced categories',
  ndo_id: 'Order',
  outbox: 'Outbox message',
  outbox_status: 'Outbox status',
  message_id: 'Message-ID',
  missing_contacts: 'Accounts without a contact',
  passed_at: 'Emergency passed',
  attempt: 'Attempt',
  sha256: 'SHA-256',
  override: 'Override',
  occurred_at: 'Sent or received',
  comment_id: 'Comment number',
  correspondence_id: 'Entry number',
  access_mode: 'Access',
  challenge: 'Court challenge',
  challenge_id: 'Challenge step',
  dsa_category: 'DSA category',
  dsa_keyword: 'DSA sub-category',
  dsa_keyword_other: 'DSA sub-category "Other", described',
  restriction_basis: 'Basis of the restriction demand',
  restriction_law: 'Law the demand cites',
};

/**
 * A readable name for a field of the record: the ones above, else the key spelled out, without the `_at`
 * of an instant or the `_id` of a reference (`called_back_at` -> "Called back", `hold_id` -> "Hold",
 * `external_ref` -> "External ref").
 */
export function fieldLabel(key: string): string {
  const known = FIELDS[key];
  if (known) return known;
  const words = key
    .replace(/(.)_(at|id)$/, '$1')
    .replace(/[_.\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}
