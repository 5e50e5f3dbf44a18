import type { z } from 'zod';
import { IMPORT_COLUMNS, type ImportColumn } from './import-columns.ts';
import { requestInput, type RequestInput, type ValidRequest } from './request-input.ts';

/**
 * One flat import row (a CSV record or a JSON Lines object with the same keys) <-> the shared request input.
 * The format is documented in docs/import-format.md; keep the two in step.
 */

export { IMPORT_COLUMNS, type ImportColumn } from './import-columns.ts';

/** One problem in one row: where it is, what was there, and what the column takes. */
export interface RowError {
  /** The line (or record) number the caller passed in. */
  line: number;
  /** The flat column name, e.g. `agency_kind`. */
  column: string;
  /** The offending value as text, cut to 80 characters. */
  value: string;
  expected: string;
}

export type RowResult = { ok: true; value: ValidRequest } | { ok: false; errors: RowError[] };

/** The word an `ndo_expires_at` cell uses for an order without an end date. */
export const INDEFINITE = 'indefinite';

const KNOWN = new Set<string>(IMPORT_COLUMNS);
const LIST_COLUMNS = new Set<string>(['data_sought', 'accounts', 'identifiers', 'account_results']);
const NDO_DETAIL_COLUMNS = ['ndo_authority', 'ndo_issuing_court', 'ndo_issued_at', 'ndo_ground'] as const;
const CHALLENGE_DETAIL_COLUMNS = ['challenge_result', 'challenge_filed_at', 'challenge_decided_at'] as const;
const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);
const MAX_VALUE_CHARS = 80;

/** Nested schema paths whose flat column name is not simply the first path segment. */
const NESTED_COLUMNS: Record<string, ImportColumn> = {
  'agency.name': 'agency_name',
  'agency.kind': 'agency_kind',
  'agency.level': 'agency_level',
  'agency.country': 'country',
  'agency.subdivision': 'subdivision',
  'ndo.authority': 'ndo_authority',
  'ndo.issuing_court': 'ndo_issuing_court',
  'ndo.issued_at': 'ndo_issued_at',
  'ndo.expires_at': 'ndo_expires_at',
  'ndo.ground': 'ndo_ground',
  // A rule about the order as a whole ("required when notice_status is prohibited_by_order"): the order
  // exists only when ndo_expires_at is filled in, so that is the cell to fix.
  ndo: 'ndo_expires_at',
  'court_challenge.stage': 'challenge_stage',
  'court_challenge.result': 'challenge_result',
  'court_challenge.filed_at': 'challenge_filed_at',
  'court_challenge.decided_at': 'challenge_decided_at',
  court_challenge: 'challenge_stage',
};

/**
 * Turns one flat record into a validated request, or lists every problem in it (unknown columns, cells that
 * do not parse, and the shared schema's field and cross-field rules), each named by its flat column.
 */
export function rowToRequest(record: Record<string, unknown>, line: number): RowResult {
  const errors: RowError[] = [];
  const fail = (column: string, value: unknown, expected: string) =>
    errors.push({ line, column, value: show(value), expected });

  for (const key of Object.keys(record)) {
    if (!KNOWN.has(key)) fail(key, record[key], unknownColumnHint(key));
  }

  // Cell -> typed value. Cells that cannot even be read are reported here and left out of the object, so the
  // schema still checks everything else.
  const cell = (column: ImportColumn): string | undefined => {
    const raw = record[column];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'string') return raw.trim() === '' ? undefined : raw;
    if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    fail(column, raw, LIST_COLUMNS.has(column) ? 'a list' : 'a single value (text, number or boolean)');
    return undefined;
  };
  const list = (column: ImportColumn): string[] | undefined => {
    const raw = record[column];
    if (Array.isArray(raw)) {
      const items: string[] = [];
      for (const item of raw) {
        if (typeof item === 'string' || typeof item === 'number') items.push(String(item).trim());
        else fail(column, item, 'list items that are text');
      }
      return items.filter((s) => s !== '');
    }
    const text = cell(column);
    return text === undefined ? undefined : splitList(text);
  };

  const input: Record<string, unknown> = {};
  const agency: Record<string, unknown> = {};
  const put = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };

  put(input, 'external_ref', cell('external_ref'));
  put(input, 'received_at', cell('received_at'));
  put(input, 'delivered_via', cell('delivered_via'));
  put(agency, 'name', cell('agency_name'));
  put(agency, 'kind', cell('agency_kind'));
  put(agency, 'level', cell('agency_level'));
  put(agency, 'country', cell('country'));
  put(agency, 'subdivision', cell('subdivision'));
  input.agency = agency;
  for (const column of [
    'issuer',
    'requester_class',
    'channel',
    'process_type',
    'legal_authority',
    'case_class',
    'emergency_basis',
    'demand_kind',
    'identifier_kind',
    'dsa_category',
    'dsa_keyword',
    'dsa_keyword_other',
    'restriction_basis',
    'restriction_law',
    'acknowledged_at',
    'effect_given_at',
    'outcome',
    'responded_at',
    'notice_status',
    'access_mode',
    'data_location',
  ] as const) {
    put(input, column, cell(column));
  }
  // Notes are free text: keep the cell as written (only an all-blank cell counts as absent).
  put(input, 'notes', cell('notes'));

  const emergency = record.emergency;
  if (typeof emergency === 'boolean') input.emergency = emergency;
  else {
    const text = cell('emergency')?.trim().toLowerCase();
    if (text === undefined || FALSE_WORDS.has(text)) input.emergency = false;
    else if (TRUE_WORDS.has(text)) input.emergency = true;
    else fail('emergency', record.emergency, 'one of: true, false, yes, no, 1, 0 (empty = false)');
  }

  const usPerson = record.target_us_person;
  if (typeof usPerson === 'boolean') input.target_us_person = usPerson;
  else {
    const text = cell('target_us_person')?.trim().toLowerCase();
    if (text !== undefined) {
      if (TRUE_WORDS.has(text)) input.target_us_person = true;
      else if (FALSE_WORDS.has(text)) input.target_us_person = false;
      else fail('target_us_person', usPerson, 'one of: true, false, yes, no, 1, 0 (empty = not recorded)');
    }
  }

  const restricted = record.restricted;
  if (typeof restricted === 'boolean') input.restricted = restricted;
  else {
    const text = cell('restricted')?.trim().toLowerCase();
    if (text !== undefined) {
      if (TRUE_WORDS.has(text)) input.restricted = true;
      else if (FALSE_WORDS.has(text)) input.restricted = false;
      else
        fail(
          'restricted',
          restricted,
          'one of: true, false, yes, no, 1, 0 (empty = restricted for national-security process only)',
        );
    }
  }

  const items = record.items_of_information;
  if (typeof items === 'number') input.items_of_information = items;
  else {
    const text = cell('items_of_information')?.trim();
    if (text !== undefined) {
      if (/^\d{1,15}$/.test(text)) input.items_of_information = Number(text);
      else fail('items_of_information', items, 'a whole number >= 0');
    }
  }

  put(input, 'data_sought', list('data_sought'));
  put(input, 'accounts', list('accounts'));
  const identifiers = list('identifiers');
  if (identifiers) {
    const parsed: { value: string; account?: string }[] = [];
    for (const item of identifiers) {
      const parts = item.split('|').map((s) => s.trim());
      const [value = '', account = '', ...rest] = parts;
      if (rest.length > 0 || value === '' || (parts.length === 2 && account === '')) {
        fail('identifiers', item, 'value or value|account (one | at most, both sides non-empty)');
      } else {
        parsed.push(account === '' ? { value } : { value, account });
      }
    }
    input.identifiers = parsed;
  }

  const accountResults = list('account_results');
  if (accountResults) {
    const parsed: { account: string; result: string }[] = [];
    for (const item of accountResults) {
      const parts = item.split('|').map((s) => s.trim());
      const [account = '', result = ''] = parts;
      if (parts.length !== 2 || account === '' || result === '') {
        fail('account_results', item, 'account|result items (one |, both sides non-empty)');
      } else parsed.push({ account, result });
    }
    input.account_results = parsed;
  }

  const expires = cell('ndo_expires_at')?.trim();
  if (expires !== undefined) {
    const ndo: Record<string, unknown> = {
      expires_at: expires.toLowerCase() === INDEFINITE ? null : expires,
    };
    put(ndo, 'authority', cell('ndo_authority'));
    put(ndo, 'issuing_court', cell('ndo_issuing_court'));
    put(ndo, 'issued_at', cell('ndo_issued_at'));
    put(ndo, 'ground', cell('ndo_ground'));
    input.ndo = ndo;
  } else {
    const given = NDO_DETAIL_COLUMNS.filter((c) => cell(c) !== undefined);
    if (given.length > 0) {
      fail(
        'ndo_expires_at',
        record.ndo_expires_at,
        `a date, timestamp or "${INDEFINITE}" when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} given`,
      );
    }
  }

  // A court challenge (history) exists when its stage is given; its other cells need the stage.
  const stage = cell('challenge_stage')?.trim();
  if (stage !== undefined) {
    const challenge: Record<string, unknown> = { stage };
    put(challenge, 'result', cell('challenge_result'));
    put(challenge, 'filed_at', cell('challenge_filed_at'));
    put(challenge, 'decided_at', cell('challenge_decided_at'));
    input.court_challenge = challenge;
  } else {
    const given = CHALLENGE_DETAIL_COLUMNS.filter((c) => cell(c) !== undefined);
    if (given.length > 0) {
      fail(
        'challenge_stage',
        record.challenge_stage,
        `a stage when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} given`,
      );
    }
  }

  const seen = new Set(errors.map((e) => e.column));
  const report = (issues: readonly z.core.$ZodIssue[], failed: RequestInput) => {
    for (const issue of issues) {
      const column = columnOf(issue.path);
      if (seen.has(column)) continue;
      seen.add(column);
      const value = valueOf(record, column, issue.path, failed);
      errors.push({ line, column, value: show(value), expected: expectedOf(issue, value) });
    }
  };

  const first = requestInput.safeParse(input);
  if (first.success && errors.length === 0) return { ok: true, value: first.data };
  if (!first.success) {
    report(first.error.issues, input as RequestInput);
    // Zod skips the cross-field rules once a field fails its type. Parse again without the failed cells so
    // the row's remaining rule violations are reported in the same pass rather than on the next import.
    const retry = structuredClone(input);
    for (const issue of first.error.issues) removePath(retry, issue.path);
    dropBlankItems(retry);
    fillRequired(retry);
    const second = requestInput.safeParse(retry);
    if (!second.success) report(second.error.issues, retry as RequestInput);
  }
  const rank = (column: string) => {
    const i = IMPORT_COLUMNS.indexOf(column as ImportColumn);
    return i === -1 ? -1 : i; // unknown columns first, then in column order
  };
  return { ok: false, errors: errors.sort((a, b) => rank(a.column) - rank(b.column)) };
}

/**
 * The inverse of `rowToRequest`: one flat record with every column of IMPORT_COLUMNS (absent = '').
 * Throws a RangeError for a list item that the flat format cannot carry (a `;` in it, or a `|` in an
 * identifier or its account).
 */
export function requestToRow(v: ValidRequest): Record<ImportColumn, string> {
  const text = (s: string | null | undefined) => s ?? '';
  const join = (column: string, items: readonly string[]) => {
    for (const item of items) {
      if (item.includes(';')) throw new RangeError(`${column}: a list item contains ";": ${show(item)}`);
    }
    return items.join(';');
  };
  const identifiers = v.identifiers.map(({ value, account }) => {
    if (value.includes('|') || account?.includes('|')) {
      throw new RangeError(`identifiers: an identifier or account contains "|": ${show(value)}`);
    }
    return account ? `${value}|${account}` : value;
  });
  return {
    external_ref: v.external_ref,
    received_at: v.received_at,
    delivered_via: text(v.delivered_via),
    agency_name: v.agency.name,
    agency_kind: v.agency.kind,
    agency_level: v.agency.level,
    country: v.agency.country,
    subdivision: text(v.agency.subdivision),
    issuer: text(v.issuer),
    requester_class: v.requester_class,
    channel: v.channel,
    process_type: v.process_type,
    legal_authority: text(v.legal_authority),
    case_class: text(v.case_class),
    emergency: v.emergency ? 'true' : 'false',
    emergency_basis: text(v.emergency_basis),
    demand_kind: text(v.demand_kind),
    data_sought: v.data_sought.join(';'),
    accounts: join('accounts', v.accounts),
    identifiers: join('identifiers', identifiers),
    identifier_kind: text(v.identifier_kind),
    account_results: join(
      'account_results',
      (v.account_results ?? []).map(({ account, result }) => {
        if (account.includes('|'))
          throw new RangeError(`account_results: an account contains "|": ${show(account)}`);
        return `${account}|${result}`;
      }),
    ),
    items_of_information: v.items_of_information == null ? '' : String(v.items_of_information),
    dsa_category: text(v.dsa_category),
    dsa_keyword: text(v.dsa_keyword),
    dsa_keyword_other: text(v.dsa_keyword_other),
    restriction_basis: text(v.restriction_basis),
    restriction_law: text(v.restriction_law),
    acknowledged_at: text(v.acknowledged_at),
    effect_given_at: text(v.effect_given_at),
    outcome: text(v.outcome),
    responded_at: text(v.responded_at),
    notice_status: text(v.notice_status),
    ndo_authority: v.ndo ? v.ndo.authority : '',
    ndo_issuing_court: text(v.ndo?.issuing_court),
    ndo_issued_at: text(v.ndo?.issued_at),
    ndo_expires_at: v.ndo ? (v.ndo.expires_at ?? INDEFINITE) : '',
    ndo_ground: text(v.ndo?.ground),
    access_mode: text(v.access_mode),
    challenge_stage: text(v.court_challenge?.stage),
    challenge_result: text(v.court_challenge?.result),
    challenge_filed_at: text(v.court_challenge?.filed_at),
    challenge_decided_at: text(v.court_challenge?.decided_at),
    data_location: text(v.data_location),
    target_us_person: v.target_us_person == null ? '' : String(v.target_us_person),
    restricted: v.restricted == null ? '' : String(v.restricted),
    // A blank note would come back as no note: write it as one.
    notes: v.notes?.trim() ? v.notes : '',
  };
}

function splitList(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function show(value: unknown): string {
  const s =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

function unknownColumnHint(key: string): string {
  const normal = key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const near = IMPORT_COLUMNS.find((c) => c === normal);
  return near
    ? `no such column; did you mean ${near}?`
    : 'no such column; the columns are listed in docs/import-format.md';
}

function columnOf(path: readonly PropertyKey[]): string {
  const [head, second] = path;
  if (head === 'agency' || head === 'ndo' || head === 'court_challenge') {
    const key = typeof second === 'string' ? `${head}.${second}` : head;
    return NESTED_COLUMNS[key] ?? String(head);
  }
  return String(head ?? 'row');
}

/** The value to show for an issue: the list item for a list column, else the raw cell. */
function valueOf(
  record: Record<string, unknown>,
  column: string,
  path: readonly PropertyKey[],
  input: RequestInput,
): unknown {
  if (LIST_COLUMNS.has(column) && typeof path[1] === 'number') {
    const item = (
      input[column as 'accounts' | 'data_sought' | 'identifiers' | 'account_results'] as unknown[] | undefined
    )?.[path[1]];
    if (item && typeof item === 'object') {
      const { value, account, result } = item as { value?: unknown; account?: unknown; result?: unknown };
      if (column === 'account_results') return `${String(account)}|${String(result)}`;
      return account === undefined ? value : `${String(value)}|${String(account)}`;
    }
    return item;
  }
  return record[column];
}

function expectedOf(issue: z.core.$ZodIssue, value: unknown): string {
  const absent = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  switch (issue.code) {
    case 'invalid_value':
      return `${absent ? 'a value (required), ' : ''}one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      if (absent) return 'a value (required)';
      return issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `at most ${issue.maximum} items`
          : `at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `at least ${issue.minimum} items`
          : `at least ${issue.minimum}`;
    default:
      return issue.message.replace(/^expected /, '');
  }
}

function removePath(target: Record<string, unknown>, path: readonly PropertyKey[]): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (last === undefined || node === null || typeof node !== 'object') return;
  // Array items are blanked rather than spliced so the indices of the other issues stay right; the blanks are
  // dropped once all are removed (dropBlankItems).
  if (Array.isArray(node) && typeof last === 'number') node[last] = undefined;
  else delete (node as Record<PropertyKey, unknown>)[last];
}

/**
 * Stands in for required cells that failed, so the cross-field rules can run. Each stand-in is chosen not to
 * trip a rule by itself: the earliest possible received_at, the country the subdivision names.
 */
function fillRequired(input: Record<string, unknown>): void {
  const agency = input.agency as Record<string, unknown>;
  input.external_ref ??= 'x';
  input.received_at ??= '1970-01-02';
  input.process_type ??= 'other';
  agency.name ??= 'x';
  agency.kind ??= 'other';
  agency.level ??= 'national';
  const subdivision = typeof agency.subdivision === 'string' ? agency.subdivision.trim().toUpperCase() : '';
  agency.country ??= /^[A-Z]{2}-/.test(subdivision) ? subdivision.slice(0, 2) : 'US';
  const ndo = input.ndo as Record<string, unknown> | undefined;
  if (ndo && !('expires_at' in ndo)) ndo.expires_at = null;
}

function dropBlankItems(target: Record<string, unknown>): void {
  for (const key of LIST_COLUMNS) {
    const items = target[key];
    if (Array.isArray(items)) target[key] = items.filter((x) => x !== undefined);
  }
}
