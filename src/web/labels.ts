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
  email: 'E-mail',
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
    .replace(/^STATEMENT_CATEGORY_/, '')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `2026-01-10 09:30 UTC` from an ISO instant. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
