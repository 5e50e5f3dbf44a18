import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.ts';
import { EU_MEMBER_STATES } from '../domain/countries.ts';
import {
  NATIONAL_SECURITY_PROCESS,
  PRESERVATION_DEMANDS,
  TAKEDOWN_DEMANDS,
  type Section,
} from '../domain/report-sections.ts';
import { OUTCOMES, type Outcome } from '../domain/vocabulary.ts';

/**
 * The aggregate queries behind a transparency report. Reports share passes: one query at request grain
 * with GROUPING SETS yields every request count of every table, one at account grain yields every
 * distinct-account count; DSA medians and national-security windows are small queries of their own.
 * `reports/compute.ts` turns the rows into `ReportData`.
 */

export interface Span {
  /** inclusive ISO instant */
  from: string;
  /** exclusive ISO instant */
  to: string;
}

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql.lit(x)));

/** The section rule of `domain/report-sections.ts`, as SQL over the request alias `r`. */
function sectionOf(r: string): RawBuilder<Section> {
  const c = (col: string) => sql.ref(`${r}.${col}`);
  return sql<Section>`case
    when ${c('process_type')} in (${list(NATIONAL_SECURITY_PROCESS)}) or ${c('case_class')} = 'national_security'
      then 'national_security'
    when ${c('process_type')} = 'preservation_request' or ${c('demand_kind')} in (${list(PRESERVATION_DEMANDS)})
      then 'preservation'
    when ${c('process_type')} = 'takedown_request' or ${c('demand_kind')} in (${list(TAKEDOWN_DEMANDS)})
      then 'takedown'
    when ${c('emergency')} then 'emergency'
    else 'information' end`;
}

/** Grouping keys shared by both passes; null where a key does not apply (us_level outside the US). */
const keys = sql`
  a.country::text as country,
  (a.country = 'US') as is_us,
  case when a.country <> 'US' then null
       when a.level in ('federal', 'state') then a.level::text
       when a.level in ('local', 'municipal') then 'local'
       else 'other' end as us_level,
  r.process_type::text as process_type`;

export type OutcomeColumns = Record<Outcome, number>;

export interface RequestGrainRow extends OutcomeColumns {
  set: 'total' | 'country' | 'us' | 'us_level' | 'us_state' | 'process_type' | 'channel';
  section: Section;
  country: string | null;
  is_us: boolean | null;
  us_level: string | null;
  us_state: string | null;
  process_type: string | null;
  channel: string | null;
  requests: number;
  in_process: number;
  notice_sent: number;
  notice_sent_after_order: number;
  notice_prohibited: number;
  notice_prohibited_indefinite: number;
  notice_delayed_emergency: number;
  notice_not_possible: number;
  notice_not_applicable: number;
  notice_pending: number;
  narrowed: number;
  extensions: number;
  items: number;
}

// grouping(country, is_us, us_level, us_state, process_type, channel): a bit is 1 where a key is NOT grouped.
const REQUEST_SETS: Record<number, RequestGrainRow['set']> = {
  63: 'total',
  31: 'country',
  47: 'us',
  39: 'us_level',
  59: 'us_state',
  61: 'process_type',
  62: 'channel',
};

/** Pass 1, request grain: every request count of every table for requests received in `span`. */
export async function requestGrain(db: Db, span: Span): Promise<RequestGrainRow[]> {
  const outcomes = sql.join(
    OUTCOMES.map((o) => sql`count(*) filter (where outcome = ${sql.lit(o)})::int as ${sql.ref(o)}`),
  );
  const { rows } = await sql<RequestGrainRow & { g: number }>`
    select grouping(country, is_us, us_level, us_state, process_type, channel) as g,
      section, country, is_us, us_level, us_state, process_type, channel,
      count(*)::int as requests,
      count(*) filter (where outcome is null)::int as in_process,
      ${outcomes},
      count(*) filter (where notice_status = 'sent')::int as notice_sent,
      count(*) filter (where notice_status = 'sent' and had_order)::int as notice_sent_after_order,
      count(*) filter (where notice_status = 'prohibited_by_order')::int as notice_prohibited,
      count(*) filter (where notice_status = 'prohibited_by_order' and indefinite)::int
        as notice_prohibited_indefinite,
      count(*) filter (where notice_status = 'delayed_emergency')::int as notice_delayed_emergency,
      count(*) filter (where notice_status = 'not_possible')::int as notice_not_possible,
      count(*) filter (where notice_status = 'not_applicable')::int as notice_not_applicable,
      count(*) filter (where notice_status = 'pending')::int as notice_pending,
      count(*) filter (where narrowed)::int as narrowed,
      count(*) filter (where extension)::int as extensions,
      coalesce(sum(items_of_information), 0)::int as items
    from (
      select ${sectionOf('r')} as section, ${keys},
        case when a.country = 'US' and a.level in ('state', 'local', 'municipal') then a.subdivision end
          as us_state,
        r.channel::text as channel, r.outcome::text as outcome, r.notice_status::text as notice_status,
        r.items_of_information,
        -- The subqueries below run only for the few rows whose CASE branch needs them.
        case when r.notice_status = 'sent'
          then exists (select 1 from nondisclosure_orders n where n.request_id = r.id) else false end
          as had_order,
        case when r.notice_status = 'prohibited_by_order'
          then exists (select 1 from nondisclosure_orders n
                       where n.request_id = r.id and n.indefinite and n.lifted_at is null) else false end
          as indefinite,
        -- Narrowed: data was produced, but not for every identifier the request named.
        case when r.outcome in ('non_content_produced', 'content_produced')
          then exists (select 1 from request_targets t where t.request_id = r.id and t.result = 'not_produced')
          else false end as narrowed,
        -- An extension (2703(f)(2)): the same agency asked to preserve the same account in the 180 days before.
        case when ${sectionOf('r')} = 'preservation'
          then exists (
            select 1 from request_targets t
            join request_targets t0 on t0.account_ref = t.account_ref and t0.request_id <> t.request_id
            join requests r0 on r0.id = t0.request_id
            where t.request_id = r.id and r0.agency_id = r.agency_id
              and r0.received_at < r.received_at and r0.received_at >= r.received_at - interval '180 days'
              and ${sectionOf('r0')} = 'preservation')
          else false end as extension
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
    ) b
    group by section, grouping sets ((), (country), (is_us), (is_us, us_level), (us_state), (process_type), (channel))
  `.execute(db);
  return rows.map(({ g, ...row }) => ({ ...row, set: REQUEST_SETS[g] as RequestGrainRow['set'] }));
}

export interface AccountGrainRow {
  set: 'total' | 'country' | 'us' | 'us_level' | 'process_type';
  section: Section;
  country: string | null;
  is_us: boolean | null;
  us_level: string | null;
  process_type: string | null;
  identifiers: number;
  accounts: number;
  accounts_produced: number;
  accounts_preserved: number;
}

// grouping(country, is_us, us_level, process_type)
const ACCOUNT_SETS: Record<number, AccountGrainRow['set']> = {
  15: 'total',
  7: 'country',
  11: 'us',
  9: 'us_level',
  14: 'process_type',
};

/**
 * Pass 2, account grain: identifiers and distinct accounts per table row. The inner grouping makes one row
 * per (grouping set, keys, account), so the outer count is a distinct count without `count(distinct)`,
 * which would force a sort per grouping set; both levels can hash.
 */
export async function accountGrain(db: Db, span: Span): Promise<AccountGrainRow[]> {
  const { rows } = await sql<AccountGrainRow & { g: number }>`
    select g, section, country, is_us, us_level, process_type,
      sum(targets)::int as identifiers,
      count(account_ref)::int as accounts,
      count(account_ref) filter (where produced)::int as accounts_produced,
      count(account_ref) filter (where preserved)::int as accounts_preserved
    from (
      select grouping(country, is_us, us_level, process_type) as g,
        section, country, is_us, us_level, process_type, account_ref,
        count(*) as targets,
        bool_or(result = 'produced') as produced,
        bool_or(result = 'preserved') as preserved
      from (
        select ${sectionOf('r')} as section, ${keys}, t.account_ref, t.result::text as result
        from requests r
        join agencies a on a.id = r.agency_id
        join request_targets t on t.request_id = r.id
        where r.received_at >= ${span.from} and r.received_at < ${span.to}
      ) b
      group by section, account_ref, grouping sets ((), (country), (is_us), (is_us, us_level), (process_type))
    ) x
    group by g, section, country, is_us, us_level, process_type
  `.execute(db);
  return rows.map(({ g, ...row }) => ({ ...row, set: ACCOUNT_SETS[g] as AccountGrainRow['set'] }));
}

export interface DsaGrainRow {
  category: string | null;
  member_state: string | null;
  orders_to_act: number;
  items: number;
  ack_hours: number | null;
  effect_hours: number | null;
  orders_to_provide_information: number;
  ack_hours_information: number | null;
  effect_hours_information: number | null;
}

/**
 * EU DSA Art. 9 / 10 orders from Member State authorities, by category and Member State (Eurostat codes),
 * with medians in hours from receipt (Annex II: an acknowledgement within the first hour counts as 0).
 */
export async function dsaGrain(db: Db, span: Span): Promise<DsaGrainRow[]> {
  const hours = (col: string) =>
    sql`case when ${sql.ref(col)} is null then null
             when extract(epoch from ${sql.ref(col)} - received_at) < 3600 then 0
             else extract(epoch from ${sql.ref(col)} - received_at) / 3600 end`;
  const median = (col: string, channel: string) =>
    sql`percentile_cont(0.5) within group (order by ${hours(col)})
        filter (where channel = ${sql.lit(channel)})`;
  const { rows } = await sql<DsaGrainRow>`
    select category, member_state,
      count(*) filter (where channel = 'dsa_art_9')::int as orders_to_act,
      coalesce(sum(items) filter (where channel = 'dsa_art_9'), 0)::int as items,
      ${median('acknowledged_at', 'dsa_art_9')} as ack_hours,
      ${median('effect_given_at', 'dsa_art_9')} as effect_hours,
      count(*) filter (where channel = 'dsa_art_10')::int as orders_to_provide_information,
      ${median('acknowledged_at', 'dsa_art_10')} as ack_hours_information,
      ${median('effect_given_at', 'dsa_art_10')} as effect_hours_information
    from (
      select coalesce(r.dsa_category, 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER') as category,
        case a.country when 'GR' then 'EL' else a.country::text end as member_state,
        r.channel::text as channel, r.items_of_information as items,
        r.received_at, r.acknowledged_at, r.effect_given_at
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
        and r.channel in ('dsa_art_9', 'dsa_art_10') and a.country in (${list(EU_MEMBER_STATES)})
    ) d
    group by grouping sets ((), (category), (member_state), (category, member_state))
  `.execute(db);
  return rows;
}

export interface NationalSecurityWindows {
  nsl: Span;
  fisa: Span;
}

/**
 * Exact national-security counts in their 1874(b) windows. The caller must hand them straight to
 * `bandNationalSecurity`; they are never stored or returned anywhere else.
 */
export async function nationalSecurityCounts(db: Db, w: NationalSecurityWindows) {
  const inWindow = (s: Span) => sql`received_at >= ${s.from} and received_at < ${s.to}`;
  const lo = w.nsl.from < w.fisa.from ? w.nsl.from : w.fisa.from;
  const hi = w.nsl.to > w.fisa.to ? w.nsl.to : w.fisa.to;
  const { rows } = await sql<{ kind: string; requests: number; selectors: number }>`
    select kind, count(*)::int as requests, coalesce(sum(selectors), 0)::int as selectors
    from (
      select
        case when r.process_type = 'national_security_letter' then 'nsl'
             when r.process_type = 'fisa_content_order'
               or (r.process_type <> 'fisa_non_content_order' and 'content' = any(r.data_sought))
               then 'fisa_content'
             else 'fisa_non_content' end as kind,
        r.received_at,
        (select count(*) from request_targets t where t.request_id = r.id) as selectors
      from requests r
      where r.received_at >= ${lo} and r.received_at < ${hi} and ${sectionOf('r')} = 'national_security'
    ) n
    where (kind = 'nsl' and ${inWindow(w.nsl)}) or (kind <> 'nsl' and ${inWindow(w.fisa)})
    group by kind
  `.execute(db);
  const get = (kind: string) => {
    const r = rows.find((x) => x.kind === kind);
    return { requests: r?.requests ?? 0, selectors: r?.selectors ?? 0 };
  };
  return { nsl: get('nsl'), fisa_content: get('fisa_content'), fisa_non_content: get('fisa_non_content') };
}

/** One plain GROUP BY scan of the requests of a span: the benchmark's yardstick. */
export async function plainScan(db: Db, span: Span): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select a.country, count(*)::int as n
    from requests r join agencies a on a.id = r.agency_id
    where r.received_at >= ${span.from} and r.received_at < ${span.to}
    group by a.country`.execute(db);
  return rows.length;
}
