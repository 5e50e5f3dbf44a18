import { country, usStateName } from '../../domain/countries.ts';
import type { ReportTables } from '../report-data.ts';
import {
  CHANNEL_LABELS,
  IDENTIFIER_KIND_LABELS,
  LEVEL_LABELS,
  NATIONAL_SECURITY_LABELS,
  NOTICE_ROWS,
  OUTCOME_LABELS,
  PROCESS_LABELS,
  SUMMARY_LABELS,
  dsaLabel,
  formatCount,
} from './labels.ts';

/**
 * A changed cell of a report in words: "United States: content produced 318 -> 319", never the internal path
 * (`by_country US.outcomes.content_produced`). Corrections, diffs, tag messages, CHANGELOG.md, the site and
 * the report's own "What changed" section all say a change through this one module; the machine-readable
 * path stays in `report.json` and the CSV (`tables.changes`).
 */

type Change = ReportTables['changes'][number];

const lookup = <T extends Record<string, string>>(labels: T, k: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(labels, k) ? labels[k as keyof T] : undefined;

/** "Content produced" -> "content produced"; "FISA order" and "MLAT request" keep their capitals. */
function lower(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

const NOTICE = Object.fromEntries(NOTICE_ROWS.map(([k, label]) => [k, label.trim()])) as Record<
  string,
  string
>;

const FIELD_WORDS: Record<string, string> = {
  requests: 'requests',
  accounts_specified: 'accounts specified',
  accounts_with_data_produced: 'accounts with data produced',
  identifiers_specified: 'identifiers specified',
  items: 'items named',
  extensions: 'extensions',
  accounts_preserved: 'accounts preserved',
  accounts_restricted: 'accounts restricted',
  accounts_deleted: 'accounts deleted',
  with_outcome: 'requests with a known outcome',
  some_data_produced: 'requests with some data produced',
  withdrawn: 'withdrawn by the agency',
  withdrawn_after_notice_policy: 'withdrawn after the agency learned of our notice policy',
  band_width: 'band width',
  publication_date: 'publication date',
  member_states: 'Member States',
  orders_to_act: 'orders to act',
  orders_to_provide_information: 'orders to provide information',
  median_hours_to_acknowledge: 'median hours to acknowledge (orders to act)',
  median_hours_to_effect: 'median hours to effect (orders to act)',
  median_hours_to_acknowledge_information: 'median hours to acknowledge (orders to provide information)',
  median_hours_to_effect_information: 'median hours to effect (orders to provide information)',
  content: 'requests seeking content',
  non_content: 'requests seeking other non-content records',
  basic_subscriber: 'requests seeking basic subscriber information only',
  nothing: 'requests seeking no data',
  responded: 'requests answered',
  median_hours: 'median hours',
  p90_hours: '90th percentile hours',
};

/** One segment of a path in words: a vocabulary value by its label, a country by its name, else its words. */
function segmentWords(seg: string): string {
  const known =
    lookup(FIELD_WORDS, seg) ??
    lookup(OUTCOME_LABELS, seg) ??
    lookup(PROCESS_LABELS, seg) ??
    lookup(CHANNEL_LABELS, seg) ??
    lookup(NOTICE, seg) ??
    lookup(LEVEL_LABELS, seg) ??
    lookup(NATIONAL_SECURITY_LABELS, seg);
  if (known) return lower(known);
  if (/^[A-Z]{2}$/.test(seg)) return countryName(seg);
  if (/^US-[A-Z0-9]{1,3}$/.test(seg)) return usStateName(seg);
  return seg.replace(/_/g, ' ');
}

function countryName(code: string): string {
  // Eurostat writes Greece EL (the DSA table's Member State codes).
  const name = country(code === 'EL' ? 'GR' : code).name;
  return name || code;
}

/** The words of the rest of a path: "outcomes.content_produced" -> "content produced". */
function fieldWords(parts: readonly string[]): string {
  const rest = parts.filter((p) => p !== 'outcomes' && p !== 'count');
  return rest.map(segmentWords).join(', ') || 'value';
}

const TABLE_WORDS: Record<string, string> = {
  summary: 'All requests',
  preservation: 'Preservation requests',
  takedown: 'Takedown requests',
  notice: 'Customer notice',
  international_channel: 'Requests by channel',
  pushback: 'Pushback',
  informal_requests: 'Informal requests',
  account_actions: 'Action on accounts',
  counting_rules: 'How we count',
  definitions: 'Definitions',
};

/** What a changed cell is, in words: "United States: content produced". */
export function changeLabel(table: string, key: string): string {
  const parts = key.split('.');
  const [first = '', ...rest] = parts;
  switch (table) {
    case 'summary': {
      const label = lookup(SUMMARY_LABELS, first);
      return `All requests: ${label ? lower(label) : fieldWords(parts)}`;
    }
    case 'by_country':
      return `${countryName(first)}: ${fieldWords(rest)}`;
    case 'us_by_level':
      return `United States, ${lower(lookup(LEVEL_LABELS, first) ?? first)} government: ${fieldWords(rest)}`;
    case 'us_by_state':
      return `United States, ${usStateName(first)}: ${fieldWords(rest)}`;
    case 'process_outcome':
      return `${lookup(PROCESS_LABELS, first) ?? segmentWords(first)}: ${fieldWords(rest)}`;
    case 'data_sought':
      return `What was sought: ${countryName(first)}, ${lower(lookup(PROCESS_LABELS, rest[0] ?? '') ?? rest[0] ?? '')}: ${fieldWords(rest.slice(1))}`;
    case 'response_time': {
      const process = first === 'all' ? 'all legal process' : lower(lookup(PROCESS_LABELS, first) ?? first);
      const kind = { all: '', emergency: ', emergency requests', not_emergency: ', other requests' }[
        rest[0] ?? 'all'
      ];
      return `Time to respond, ${process}${kind ?? ''}: ${fieldWords(rest.slice(1))}`;
    }
    case 'access_mode':
      return `Access mode, ${lower(lookup(PROCESS_LABELS, first) ?? first)}: ${fieldWords(rest)}`;
    case 'identifier_kinds':
      return `Requests by identifier kind, ${lower(lookup(IDENTIFIER_KIND_LABELS, first) ?? first)}: ${fieldWords(rest)}`;
    case 'data_produced': {
      const what = /^[A-Z]{2}$/.test(first)
        ? countryName(first)
        : lower(lookup(PROCESS_LABELS, first) ?? first);
      return `Some data produced, ${what}: ${fieldWords(rest)}`;
    }
    case 'process_by_country':
      return `${countryName(first)}, ${lower(lookup(PROCESS_LABELS, rest[0] ?? '') ?? rest[0] ?? '')}: ${fieldWords(rest.slice(1))}`;
    case 'emergency':
      return `Emergency requests from ${first === 'us' ? 'the United States' : 'other countries'}: ${fieldWords(rest)}`;
    case 'counting_rules':
      return `How we count: rule ${first}`;
    case 'definitions':
      return `Definitions: ${key}`;
    case 'national_security':
      return `National security: ${nationalSecurityWords(parts)}`;
    case 'dsa':
      return `EU Member State orders: ${dsaWords(parts)}`;
    case 'foreign_national_security': {
      const [what = '', end = ''] = rest;
      const measure = what === 'requests' ? 'orders received' : segmentWords(what);
      const bound = end === 'low' ? ' (lower bound)' : end === 'high' ? ' (upper bound)' : '';
      return `Foreign national-security orders, ${countryName(first)}: ${measure}${bound}`;
    }
    default: {
      const head = TABLE_WORDS[table] ?? capitalise(table.replace(/_/g, ' '));
      return `${head}: ${fieldWords(parts)}`;
    }
  }
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function nationalSecurityWords(parts: readonly string[]): string {
  // Head cells (option, statute, band_width, ...) or entries `[period.]kind.(requests|selectors|window).(low|high|start|end)`.
  let i = 0;
  let period: string | null = null;
  if (/^\d{4}(-H[12])?$/.test(parts[0] ?? '')) period = parts[i++]!;
  const kind = parts[i];
  const label = kind ? lookup(NATIONAL_SECURITY_LABELS, kind) : undefined;
  if (!label) return fieldWords(parts);
  const what = parts[i + 1];
  const end = parts[i + 2];
  const measure =
    what === 'requests'
      ? 'requests received'
      : what === 'selectors'
        ? 'selectors targeted'
        : what === 'window'
          ? 'period covered'
          : segmentWords(what ?? 'value');
  const bound =
    end === 'low'
      ? ' (lower bound)'
      : end === 'high'
        ? ' (upper bound)'
        : end
          ? ` (${end.replace(/_/g, ' ')})`
          : '';
  return `${lower(label)}${period ? `, ${period}` : ''}: ${measure}${bound}`;
}

function dsaWords(parts: readonly string[]): string {
  if (parts.length === 1) return segmentWords(parts[0]!);
  const field = parts[parts.length - 1]!;
  const [category = 'TOTAL', ...middle] = parts.slice(0, -1);
  const scope = middle.length > 0 ? middle[middle.length - 1]! : 'TOTAL';
  const keyword = middle.length > 1 ? middle[0]! : null;
  const where = scope === 'TOTAL' ? 'all Member States' : countryName(scope);
  const what = [dsaLabel(category), ...(keyword ? [dsaLabel(keyword)] : [])].join(', ');
  return `${what}, ${where}: ${segmentWords(field)}`;
}

/** A value of a changed cell: counts with thousands separators, a missing value as "none". */
export function changeValueText(v: number | string | null): string {
  if (v === null) return 'none';
  return typeof v === 'number' ? formatCount(v) : v;
}

/**
 * "United States: content produced 318 -> 319". `escape` quotes the words and values for a markup (Markdown)
 * while the arrow stays as written.
 */
export function describeChange(c: Change, escape: (s: string) => string = (s) => s): string {
  return `${escape(changeLabel(c.table, c.key))} ${escape(changeValueText(c.before))} -> ${escape(changeValueText(c.after))}`;
}
