import { LEGAL_CHANNELS } from '../../domain/vocabulary.ts';
import type { OutcomeCounts, ReportData } from '../report-data.ts';
import { csvRecords, type CsvValue } from './csv-format.ts';
import { processCsvRows } from './process-sections.ts';

/**
 * report.csv: every figure of the report in long form, one row per cell (RFC 4180, UTF-8, CRLF):
 * `table,dimension_1,value_1,dimension_2,value_2,measure,value`. Percentages sit in their own rows beside
 * the integer counts; national-security bands are two rows, `..._low` and `..._high`. Row order follows
 * the tables, so the file diffs cleanly between versions.
 */

export const CSV_HEADER = [
  'table',
  'dimension_1',
  'value_1',
  'dimension_2',
  'value_2',
  'measure',
  'value',
] as const;

type Row = [string, string, string, string, string, string, CsvValue];

const outcomeRows = (table: string, d1: string, v1: string, o: OutcomeCounts, d2 = 'outcome'): Row[] =>
  (Object.keys(o) as Array<keyof OutcomeCounts>).map((k) => [table, d1, v1, d2, k, 'requests', o[k] ?? 0]);

/** The takedown rows of schema version 5: accounts, and the country, channel and notice breakdowns. */
function takedownRows(td: ReportData['tables']['takedown']): Row[] {
  const rows: Row[] = [];
  if (td.accounts_specified !== undefined)
    rows.push(['takedown', '', '', '', '', 'accounts_specified', td.accounts_specified]);
  if (td.accounts_restricted !== undefined)
    rows.push(['takedown', '', '', '', '', 'accounts_restricted', td.accounts_restricted]);
  for (const r of td.by_country ?? []) {
    const { country, ...figures } = r;
    for (const [k, v] of Object.entries(figures)) rows.push(['takedown', 'country', country, '', '', k, v]);
  }
  if (td.international_channel)
    for (const c of LEGAL_CHANNELS)
      rows.push(['takedown', 'channel', c, '', '', 'requests', td.international_channel[c]]);
  // Schema version 6: country x legal basis (with outcomes), and the type of state actor.
  for (const r of td.by_country_basis ?? []) {
    const { country, restriction_basis: basis, outcomes, ...figures } = r;
    for (const [k, v] of Object.entries(figures))
      rows.push(['takedown', 'country', country, 'restriction_basis', basis, k, v]);
    for (const k of Object.keys(outcomes) as Array<keyof OutcomeCounts>)
      rows.push(['takedown', 'country', country, 'restriction_basis', basis, k, outcomes[k] ?? 0]);
  }
  for (const r of td.by_state_actor ?? []) {
    const { state_actor: actor, outcomes, ...figures } = r;
    for (const [k, v] of Object.entries(figures)) rows.push(['takedown', 'state_actor', actor, '', '', k, v]);
    for (const k of Object.keys(outcomes) as Array<keyof OutcomeCounts>)
      rows.push(['takedown', 'state_actor', actor, '', '', k, outcomes[k] ?? 0]);
  }
  for (const [k, v] of Object.entries(td.notice ?? {}))
    rows.push(['takedown', 'notice', k, '', '', 'requests', v]);
  return rows;
}

/** Render the long-form CSV. */
export function renderCsv(data: ReportData): string {
  const t = data.tables;
  const rows: Row[] = [];
  const meta = (measure: string, value: CsvValue) => rows.push(['report', '', '', '', '', measure, value]);
  meta('provider', data.provider.name);
  meta('service', data.provider.service ?? null);
  meta('period', data.period.id);
  meta('period_start', data.period.start);
  meta('period_end', data.period.end);
  meta('version', data.version.number);
  meta('status', data.version.status);
  meta('updated', data.version.updated ? 'true' : 'false');
  meta('generated_at', data.generated_at);
  meta('accurate_as_of', data.accurate_as_of);
  meta('audit_head', data.audit_head);

  for (const [k, m] of Object.entries(t.summary)) {
    rows.push(['summary', 'measure', k, 'base', m.base, 'count', m.count]);
    rows.push(['summary', 'measure', k, 'base', m.base, 'pct', m.pct]);
  }
  for (const c of t.by_country) {
    rows.push(['by_country', 'region', c.region, 'country', c.country, 'requests', c.requests]);
    rows.push([
      'by_country',
      'region',
      c.region,
      'country',
      c.country,
      'accounts_specified',
      c.accounts_specified,
    ]);
  }
  for (const c of t.by_country)
    rows.push(...outcomeRows('country_outcome', 'country', c.country, c.outcomes));
  for (const [level, v] of Object.entries(t.us_by_level)) {
    rows.push(['us_by_level', 'level', level, '', '', 'requests', v.requests]);
    rows.push(['us_by_level', 'level', level, '', '', 'accounts_specified', v.accounts_specified]);
  }
  for (const s of t.us_by_state)
    rows.push(['us_by_state', 'subdivision', s.subdivision, '', '', 'requests', s.requests]);
  for (const p of t.process_outcome) {
    const d: [string, string] = ['process_type', p.process_type];
    rows.push(['process_outcome', ...d, '', '', 'requests', p.requests]);
    rows.push(['process_outcome', ...d, '', '', 'accounts_specified', p.accounts_specified]);
    rows.push([
      'process_outcome',
      ...d,
      '',
      '',
      'accounts_with_data_produced',
      p.accounts_with_data_produced,
    ]);
    rows.push(...outcomeRows('process_outcome', ...d, p.outcomes));
  }
  for (const r of t.process_by_country ?? [])
    rows.push([
      'process_by_country',
      'country',
      r.country,
      'process_type',
      r.process_type,
      'requests',
      r.requests,
    ]);
  for (const r of t.data_sought ?? []) {
    const { country, process_type, ...counts } = r;
    for (const [k, v] of Object.entries(counts))
      rows.push(['data_sought', 'country', country, 'process_type', process_type, k, v]);
  }
  for (const r of t.response_time ?? []) {
    const { process_type, emergency, ...figures } = r;
    const kind = emergency === null ? 'all' : String(emergency);
    for (const [k, v] of Object.entries(figures))
      rows.push(['response_time', 'process_type', process_type ?? 'all', 'emergency', kind, k, v]);
  }
  for (const r of t.identifier_kinds ?? []) {
    const { identifier_kind, ...counts } = r;
    for (const [k, v] of Object.entries(counts))
      rows.push(['identifier_kinds', 'identifier_kind', identifier_kind, '', '', k, v]);
  }
  for (const r of t.data_produced?.by_process_type ?? []) {
    const { process_type, ...figures } = r;
    for (const [k, v] of Object.entries(figures))
      rows.push(['data_produced', 'process_type', process_type, '', '', k, v]);
  }
  for (const r of t.data_produced?.by_country ?? []) {
    const { country, ...figures } = r;
    for (const [k, v] of Object.entries(figures))
      rows.push(['data_produced', 'country', country, '', '', k, v]);
  }
  for (const [k, v] of Object.entries(t.account_actions ?? {}))
    rows.push(['account_actions', '', '', '', '', k, v]);
  for (const [origin, p] of Object.entries(t.emergency)) {
    rows.push(['emergency', 'origin', origin, '', '', 'requests', p.requests]);
    rows.push(['emergency', 'origin', origin, '', '', 'accounts_specified', p.accounts_specified]);
    rows.push([
      'emergency',
      'origin',
      origin,
      '',
      '',
      'accounts_with_data_produced',
      p.accounts_with_data_produced,
    ]);
    rows.push(...outcomeRows('emergency', 'origin', origin, p.outcomes));
  }
  for (const [k, v] of Object.entries(t.preservation)) rows.push(['preservation', '', '', '', '', k, v]);
  rows.push(['takedown', '', '', '', '', 'requests', t.takedown.requests]);
  rows.push(['takedown', '', '', '', '', 'items', t.takedown.items]);
  rows.push(...outcomeRows('takedown', '', '', t.takedown.outcomes));
  rows.push(...takedownRows(t.takedown));
  for (const [k, v] of Object.entries(t.notice)) rows.push(['notice', 'notice', k, '', '', 'requests', v]);
  for (const c of LEGAL_CHANNELS)
    rows.push(['international_channel', 'channel', c, '', '', 'requests', t.international_channel[c]]);
  // Data demands (schema version 5): the country, channel and notice rows of every request but takedowns.
  const dd = t.data_demands;
  if (dd) {
    for (const r of dd.by_country)
      rows.push(['data_demands', 'country', r.country, '', '', 'requests', r.requests]);
    for (const c of LEGAL_CHANNELS)
      rows.push(['data_demands', 'channel', c, '', '', 'requests', dd.international_channel[c]]);
    for (const [k, v] of Object.entries(dd.notice))
      rows.push(['data_demands', 'notice', k, '', '', 'requests', v]);
  }
  const { court_challenges: challenges, ...pushback } = t.pushback;
  for (const [k, v] of Object.entries(pushback)) rows.push(['pushback', 'action', k, '', '', 'requests', v]);
  rows.push(...processCsvRows(t, challenges));
  const civil = t.civil_litigants;
  if (civil) {
    for (const [k, v] of Object.entries(civil))
      if (typeof v === 'number') rows.push(['civil_litigants', '', '', '', '', k, v]);
    rows.push(...outcomeRows('civil_litigants', '', '', civil.outcomes));
  }
  if (t.history_overrides)
    rows.push(['history_overrides', '', '', '', '', 'requests', t.history_overrides.requests]);
  const ns = t.national_security;
  if (ns) {
    rows.push(['national_security', 'option', ns.option, '', '', 'band_width', ns.band_width]);
    for (const e of ns.entries) {
      const d: [string, string, string, string] = [
        'kind',
        e.period ? `${e.period}/${e.kind}` : e.kind,
        'window',
        `${e.window.start}/${e.window.end}`,
      ];
      rows.push(['national_security', ...d, 'requests_low', e.requests.low]);
      rows.push(['national_security', ...d, 'requests_high', e.requests.high]);
      rows.push(['national_security', ...d, 'selectors_low', e.selectors.low]);
      rows.push(['national_security', ...d, 'selectors_high', e.selectors.high]);
    }
    for (const g of ns.uncovered ?? [])
      rows.push([
        'national_security',
        'uncovered',
        g.kind,
        'days',
        `${g.start}/${g.end}`,
        'appears_in',
        g.appears_in,
      ]);
  }
  for (const e of t.foreign_national_security?.entries ?? []) {
    const d: [string, string, string, string] = ['jurisdiction', e.jurisdiction, '', ''];
    rows.push(['foreign_national_security', ...d, 'band_width', e.band_width]);
    rows.push(['foreign_national_security', ...d, 'requests_low', e.requests.low]);
    rows.push(['foreign_national_security', ...d, 'requests_high', e.requests.high]);
  }
  for (const r of t.dsa?.rows ?? []) {
    const cat = r.keyword ? `${r.category}/${r.keyword}` : r.category;
    const d: [string, string, string, string] = ['category', cat, 'member_state', r.scope];
    rows.push(['dsa', ...d, 'orders_to_act', r.orders_to_act]);
    rows.push(['dsa', ...d, 'items', r.items]);
    rows.push(['dsa', ...d, 'median_hours_to_acknowledge', r.median_hours_to_acknowledge]);
    rows.push(['dsa', ...d, 'median_hours_to_effect', r.median_hours_to_effect]);
    rows.push(['dsa', ...d, 'orders_to_provide_information', r.orders_to_provide_information]);
    rows.push([
      'dsa',
      ...d,
      'median_hours_to_acknowledge_information',
      r.median_hours_to_acknowledge_information,
    ]);
    rows.push(['dsa', ...d, 'median_hours_to_effect_information', r.median_hours_to_effect_information]);
  }
  for (const c of t.changes) {
    rows.push(['changes', 'table', c.table, 'key', c.key, 'before', c.before]);
    rows.push(['changes', 'table', c.table, 'key', c.key, 'after', c.after]);
  }
  // The standards annex: one status row per element, and where it is disclosed (tables, space-separated).
  for (const st of data.standards?.standards ?? []) {
    for (const e of st.elements) {
      rows.push(['standards', 'standard', st.id, 'element', e.id, 'status', e.status]);
      if (e.where.length)
        rows.push(['standards', 'standard', st.id, 'element', e.id, 'where', e.where.join(' ')]);
    }
  }
  return csvRecords([CSV_HEADER, ...rows]);
}
