import type { ReportData, ReportTables } from './report-data.ts';

/** One changed cell: which table, the cell's path in it, and its value before and after. */
export type Change = ReportTables['changes'][number];
type Value = Change['before'];

/**
 * Every cell of a report as `table -> key -> value`. Rows of list tables are keyed by what identifies them
 * (country, process type, ...), not by position, so an added row shows as new cells rather than as every
 * later row changing. Shares (`pct`) and bases are left out: they follow from the counts beside them.
 */
export function reportCells(data: ReportData): Map<string, Map<string, Value>> {
  const t = data.tables;
  const cells = new Map<string, Map<string, Value>>();
  const put = (table: string, prefix: string, value: unknown) => {
    let m = cells.get(table);
    if (!m) cells.set(table, (m = new Map()));
    const walk = (path: string, v: unknown): void => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'pct' || k === 'base') continue;
          walk(path ? `${path}.${k}` : k, x);
        }
      } else if (Array.isArray(v)) {
        m.set(path, v.join(','));
      } else {
        m.set(path, v as Value);
      }
    };
    walk(prefix, value);
  };
  const keyed = <R>(table: string, rows: readonly R[], key: (r: R) => string, omit: (keyof R)[] = []) => {
    for (const r of rows) {
      const rest = Object.fromEntries(
        Object.entries(r as object).filter(([k]) => !omit.includes(k as keyof R)),
      );
      put(table, key(r), rest);
    }
  };
  put('summary', '', t.summary);
  keyed('by_country', t.by_country, (r) => r.country, ['country', 'country_name', 'region']);
  put('us_by_level', '', t.us_by_level);
  keyed('us_by_state', t.us_by_state, (r) => r.subdivision, ['subdivision', 'name']);
  keyed('process_outcome', t.process_outcome, (r) => r.process_type, ['process_type']);
  if (t.process_by_country)
    keyed('process_by_country', t.process_by_country, (r) => `${r.country}.${r.process_type}`, [
      'country',
      'process_type',
    ]);
  if (t.data_sought)
    keyed('data_sought', t.data_sought, (r) => `${r.country}.${r.process_type}`, ['country', 'process_type']);
  if (t.response_time)
    keyed(
      'response_time',
      t.response_time,
      (r) =>
        `${r.process_type ?? 'all'}.${r.emergency === null ? 'all' : r.emergency ? 'emergency' : 'not_emergency'}`,
      ['process_type', 'emergency'],
    );
  if (t.identifier_kinds)
    keyed('identifier_kinds', t.identifier_kinds, (r) => r.identifier_kind, ['identifier_kind']);
  if (t.data_produced) {
    keyed('data_produced', t.data_produced.by_process_type, (r) => r.process_type, ['process_type']);
    keyed('data_produced', t.data_produced.by_country, (r) => r.country, ['country']);
  }
  if (t.account_actions) put('account_actions', '', t.account_actions);
  put('emergency', '', t.emergency);
  put('preservation', '', t.preservation);
  put('takedown', '', t.takedown);
  put('notice', '', t.notice);
  put('international_channel', '', t.international_channel);
  // Court challenges (schema version 6) keyed by stage and result, like every list table.
  const { court_challenges: challenges, ...pushback } = t.pushback;
  put('pushback', '', pushback);
  if (challenges) {
    put('pushback', 'court_challenges', { requests: challenges.requests });
    keyed('pushback', challenges.by_stage_result, (r) => `court_challenges.${r.stage}.${r.result}`, [
      'stage',
      'result',
    ]);
  }
  if (t.informal_requests) {
    const { by_country, by_process_type, ...head } = t.informal_requests;
    put('informal_requests', '', head);
    keyed('informal_requests', by_country, (r) => `country.${r.country}`, ['country']);
    keyed('informal_requests', by_process_type, (r) => r.process_type, ['process_type']);
  }
  if (t.access_mode) keyed('access_mode', t.access_mode, (r) => r.process_type, ['process_type']);
  if (t.civil_litigants) put('civil_litigants', '', t.civil_litigants);
  if (t.history_overrides) put('history_overrides', '', t.history_overrides);
  if (t.national_security) {
    // `uncovered` follows from the publication date (a cell of `head`); it is not a figure.
    const { entries, uncovered: _uncovered, ...head } = t.national_security;
    put('national_security', '', head);
    keyed('national_security', entries, (e) => (e.period ? `${e.period}.${e.kind}` : e.kind), [
      'kind',
      'period',
    ]);
  }
  if (t.foreign_national_security)
    keyed('foreign_national_security', t.foreign_national_security.entries, (e) => e.jurisdiction, [
      'jurisdiction',
      'jurisdiction_name',
    ]);
  if (t.dsa) {
    // The Part 1 dates are facts of the publication, fixed at freeze time, not figures.
    const { rows, publication_date: _p, previous_publication_date: _q, ...head } = t.dsa;
    put('dsa', '', head);
    keyed('dsa', rows, (r) => [r.category, r.keyword ?? '', r.scope].filter(Boolean).join('.'), [
      'category',
      'keyword',
      'scope',
    ]);
  }
  put('counting_rules', '', Object.fromEntries(data.counting_rules.map((r, i) => [String(i + 1), r])));
  put('definitions', '', Object.fromEntries(data.definitions.map((d) => [d.term, d.text])));
  return cells;
}

/** Every cell that differs between two reports of the same period, in table order. */
export function diffReports(before: ReportData, after: ReportData): Change[] {
  const a = reportCells(before);
  const b = reportCells(after);
  const out: Change[] = [];
  for (const table of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(table) ?? new Map<string, Value>();
    const y = b.get(table) ?? new Map<string, Value>();
    for (const key of new Set([...x.keys(), ...y.keys()])) {
      const was = x.has(key) ? (x.get(key) as Value) : null;
      const now = y.has(key) ? (y.get(key) as Value) : null;
      if (was !== now) out.push({ table, key, before: was, after: now });
    }
  }
  return out;
}

/** A change in words ("All requests: requests in process at period end 11 -> 10"): see render/change-words.ts. */
export { describeChange } from './render/change-words.ts';
