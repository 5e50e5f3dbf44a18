import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.ts';
import { EU_MEMBER_STATES } from '../domain/countries.ts';
import {
  BANDED_ONLY_PROCESS,
  FOREIGN_NATIONAL_SECURITY_PROCESS,
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
 * National-security requests, US or foreign, never enter the two passes (they are counted only by
 * `nationalSecurityCounts` and `foreignNationalSecurityCounts`, whose results go straight into bands), nor do
 * civil litigants (`civilGrain`). The
 * headline sets group every other government
 * request; the `section` sets give the emergency, preservation and takedown tables.
 * `reports/compute.ts` turns the rows into `ReportData`.
 */

export interface Span {
  /** inclusive ISO instant */
  from: string;
  /** exclusive ISO instant */
  to: string;
}

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql.lit(x)));

/**
 * The first branches of the section rule: process that is only ever published in bands, if at all (50 U.S.C.
 * 1874: NSLs and FISA orders and directives; and foreign national-security orders, e.g. UK Investigatory
 * Powers Act warrants). The case class does not count: a grand jury subpoena in a national-security case is
 * ordinary process, reported exactly. Every exact table leaves these out.
 */
export function isBandedOnly(r: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${r}.process_type`)} in (${list(BANDED_ONLY_PROCESS)}))`;
}

/**
 * A request made with legal process: every channel but `informal` (a referral, a call, a flagging). Informal
 * requests are counted apart, in their own table (`informalGrain`, report-process-repository.ts), never in the
 * headline or the DSA orders, so every figure of formal requests reads as before (docs/reports.md).
 */
export function isFormal(r: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${r}.channel`)}::text <> 'informal')`;
}

/** The section rule of `domain/report-sections.ts`, as SQL over the request alias `r`. */
function sectionOf(r: string): RawBuilder<Section> {
  const c = (col: string) => sql.ref(`${r}.${col}`);
  return sql<Section>`case
    when ${c('process_type')} in (${list(NATIONAL_SECURITY_PROCESS)}) then 'national_security'
    when ${c('process_type')} in (${list(FOREIGN_NATIONAL_SECURITY_PROCESS)}) then 'foreign_national_security'
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
       when a.level = 'not_recorded' then 'not_recorded'
       else 'other' end as us_level,
  r.process_type::text as process_type,
  coalesce(r.identifier_kind::text, 'not_recorded') as identifier_kind,
  coalesce(r.restriction_basis::text, 'not_recorded') as restriction_basis,
  a.kind::text as agency_kind`;

export type OutcomeColumns = Record<Outcome, number>;

/** The grouping keys of pass 1, in the order `grouping(...)` lists them. */
const REQUEST_KEYS = [
  'section',
  'country',
  'is_us',
  'us_level',
  'us_state',
  'process_type',
  'channel',
  'emergency',
  'data_demand',
  'identifier_kind',
  'restriction_basis',
  'agency_kind',
] as const;
type RequestKey = (typeof REQUEST_KEYS)[number];

/** Every grouping set of pass 1: the table rows it feeds, by the keys it groups by. */
const REQUEST_SET_KEYS = {
  total: [],
  country: ['country'],
  us: ['is_us'],
  us_level: ['is_us', 'us_level'],
  us_state: ['us_state'],
  process_type: ['process_type'],
  channel: ['channel'],
  section: ['section'],
  section_us: ['section', 'is_us'],
  country_process: ['country', 'process_type'],
  emergency: ['emergency'],
  process_emergency: ['process_type', 'emergency'],
  // Data demands (true) and takedowns (false) apart: the headline total, by country and by channel.
  demand: ['data_demand'],
  demand_country: ['data_demand', 'country'],
  demand_channel: ['data_demand', 'channel'],
  identifier_kind: ['identifier_kind'],
  // Takedowns (data_demand false) by country and legal basis, and by the type of state actor (agency kind).
  demand_country_basis: ['data_demand', 'country', 'restriction_basis'],
  demand_agency_kind: ['data_demand', 'agency_kind'],
} as const satisfies Record<string, readonly RequestKey[]>;
type RequestSet = keyof typeof REQUEST_SET_KEYS;

/**
 * `grouping(k1, ..., kn)` of a set: bit i (from the left) is 1 where key i is NOT grouped. Derived from the
 * key lists, so adding a set or a key cannot leave a hand-written mask behind.
 */
const groupingMask = (keys: readonly string[], grouped: readonly string[]): number =>
  keys.reduce((m, k) => (m << 1) | (grouped.includes(k) ? 0 : 1), 0);

const REQUEST_SETS = new Map<number, RequestSet>(
  (Object.entries(REQUEST_SET_KEYS) as Array<[RequestSet, readonly RequestKey[]]>).map(([set, ks]) => [
    groupingMask(REQUEST_KEYS, ks),
    set,
  ]),
);
const requestGroupingSets = sql.join(
  Object.values(REQUEST_SET_KEYS).map((ks) => sql`(${sql.join(ks.map((k) => sql.ref(k)))})`),
);

export interface RequestGrainRow extends OutcomeColumns {
  set: RequestSet;
  /** null in the headline sets, which count every section but national security */
  section: Section | null;
  country: string | null;
  is_us: boolean | null;
  us_level: string | null;
  us_state: string | null;
  process_type: string | null;
  channel: string | null;
  /** the request's emergency flag; null outside the emergency sets */
  emergency: boolean | null;
  /** a data demand (true: every headline section but takedown) or a takedown (false); null outside the demand sets */
  data_demand: boolean | null;
  /** the kind of identifier the request specified ('not_recorded' for none); null outside its set */
  identifier_kind: string | null;
  /** a takedown's legal basis ('not_recorded' for none); null outside its set */
  restriction_basis: string | null;
  /** the agency's kind (the Santa Clara type of state actor); null outside its set */
  agency_kind: string | null;
  requests: number;
  /** requests with a response time (responded_at) */
  responded: number;
  /** hours from receipt to response: median and 90th percentile (percentile_cont); null when none responded */
  median_hours_to_respond: number | null;
  p90_hours_to_respond: number | null;
  /** no outcome recorded yet (when the report is computed) */
  in_process: number;
  /** no response by the last instant of the period (from responded_at) */
  in_process_at_end: number;
  notice_sent: number;
  notice_sent_after_order: number;
  notice_prohibited: number;
  notice_prohibited_indefinite: number;
  notice_delayed_emergency: number;
  notice_not_possible: number;
  notice_not_applicable: number;
  notice_pending: number;
  notice_not_recorded: number;
  narrowed: number;
  extensions: number;
  items: number;
  /** what the request sought (data_sought), by its broadest kind: content, else non-content, ... */
  sought_content: number;
  sought_non_content: number;
  sought_basic_subscriber: number;
  sought_nothing: number;
}

/** Pass 1, request grain: every request count of every table for requests received in `span`. */
export async function requestGrain(db: Db, span: Span, asOf: Date): Promise<RequestGrainRow[]> {
  const outcomes = sql.join(
    OUTCOMES.map((o) => sql`count(*) filter (where outcome = ${sql.lit(o)})::int as ${sql.ref(o)}`),
  );
  // Per-request facts are computed once, each by one grouped pass over the period's request ids (no
  // correlated subquery per row), then one GROUPING SETS pass counts every table.
  const { rows } = await sql<RequestGrainRow & { g: number }>`
    with period as materialized (
      select r.id, r.agency_id, r.received_at, ${sectionOf('r')} as section, ${keys},
        case when a.country = 'US' and a.level in ('state', 'local', 'municipal') then a.subdivision end
          as us_state,
        r.channel::text as channel, r.outcome::text as outcome, r.notice_status::text as notice_status,
        -- What was sought (not what was produced), by its broadest kind.
        case when 'content' = any(r.data_sought) then 'content'
             when 'non_content' = any(r.data_sought) then 'non_content'
             when 'basic_subscriber' = any(r.data_sought) then 'basic_subscriber'
             else 'nothing' end as sought,
        r.items_of_information, r.emergency, ${sectionOf('r')} <> 'takedown' as data_demand,
        -- Time to respond, for every request with a response time (history without one has none).
        case when r.responded_at >= r.received_at
          then extract(epoch from r.responded_at - r.received_at) / 3600 end as hours_to_respond,
        -- In process at the period's end: no response by its last instant. An outcome brought in from
        -- history without a response time counts as answered (nothing says it was still open).
        (r.outcome is null or r.responded_at >= ${span.to}) as open_at_end,
        exists (select 1 from history_overrides h where h.request_id = r.id) as overridden
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
        and not (${isBandedOnly('r')}) and r.requester_class = 'government' and ${isFormal('r')}
    ),
    targets as (
      select t.request_id, bool_or(t.result = 'not_produced') as some_not_produced
      from request_targets t
      where t.request_id = any(array(
        select id from period where outcome in ('non_content_produced', 'content_produced')))
      group by t.request_id
    ),
    orders as (
      select n.request_id, true as had_order, bool_or(n.indefinite and n.lifted_at is null) as indefinite,
        -- Every order ended (lifted, or expired) by the time the report is computed.
        bool_and(n.lifted_at is not null or n.expires_at <= ${asOf}) as orders_ended
      from nondisclosure_orders n
      where n.request_id = any(array(
        select id from period where notice_status in ('sent', 'prohibited_by_order')))
      group by n.request_id
    ),
    -- Items of a takedown: as the request counted them, or else the identifiers it named.
    named as (
      select t.request_id, count(*)::int as identifiers
      from request_targets t
      where t.request_id = any(array(select id from period where section = 'takedown'))
      group by t.request_id
    ),
    -- Extensions (2703(f)(2)): the renewals actually recorded on the holds of the period's requests.
    renewals as (
      select h.request_id, sum(h.extensions)::int as renewals
      from preservation_holds h
      where h.request_id = any(array(select id from period where section = 'preservation'))
      group by h.request_id
    )
    select grouping(${sql.join(REQUEST_KEYS.map((k) => sql.ref(k)))}) as g,
      section, country, is_us, us_level, us_state, process_type, channel, emergency, data_demand, identifier_kind,
      restriction_basis, agency_kind,
      count(*)::int as requests,
      count(hours_to_respond)::int as responded,
      percentile_cont(0.5) within group (order by hours_to_respond) as median_hours_to_respond,
      percentile_cont(0.9) within group (order by hours_to_respond) as p90_hours_to_respond,
      count(*) filter (where outcome is null)::int as in_process,
      count(*) filter (where open_at_end)::int as in_process_at_end,
      ${outcomes},
      count(*) filter (where notice_status = 'sent')::int as notice_sent,
      -- "Given after an order expired or was lifted": the gate lets notice go only once every order has
      -- ended, so a notice with orders that have all ended went after them. Not so for history brought in
      -- past the gate (a history override), nor while an order still binds: those are given, not "after".
      count(*) filter (where notice_status = 'sent' and had_order and orders_ended and not overridden)::int
        as notice_sent_after_order,
      count(*) filter (where notice_status = 'prohibited_by_order')::int as notice_prohibited,
      count(*) filter (where notice_status = 'prohibited_by_order' and indefinite)::int
        as notice_prohibited_indefinite,
      count(*) filter (where notice_status = 'delayed_emergency')::int as notice_delayed_emergency,
      count(*) filter (where notice_status = 'not_possible')::int as notice_not_possible,
      count(*) filter (where notice_status = 'not_applicable')::int as notice_not_applicable,
      count(*) filter (where notice_status = 'pending')::int as notice_pending,
      count(*) filter (where notice_status = 'not_recorded')::int as notice_not_recorded,
      count(*) filter (where narrowed)::int as narrowed,
      coalesce(sum(renewals), 0)::int as extensions,
      coalesce(sum(items), 0)::int as items,
      count(*) filter (where sought = 'content')::int as sought_content,
      count(*) filter (where sought = 'non_content')::int as sought_non_content,
      count(*) filter (where sought = 'basic_subscriber')::int as sought_basic_subscriber,
      count(*) filter (where sought = 'nothing')::int as sought_nothing
    from (
      select p.*,
        coalesce(o.had_order, false) as had_order,
        coalesce(o.indefinite, false) as indefinite,
        coalesce(o.orders_ended, false) as orders_ended,
        -- Narrowed: data was produced, but not for every identifier the request named.
        coalesce(p.outcome in ('non_content_produced', 'content_produced') and t.some_not_produced, false)
          as narrowed,
        e.renewals,
        case when p.section = 'takedown' then coalesce(p.items_of_information, m.identifiers, 0) end as items
      from period p
      left join named m on m.request_id = p.id
      left join targets t on t.request_id = p.id
      left join orders o on o.request_id = p.id
      left join renewals e on e.request_id = p.id
    ) b
    group by grouping sets (${requestGroupingSets})
  `.execute(db);
  return rows.map(({ g, ...row }) => ({ ...row, set: REQUEST_SETS.get(g)! }));
}

export interface AccountGrainRow {
  set:
    | 'total'
    | 'country'
    | 'us_level'
    | 'process_type'
    | 'section'
    | 'section_us'
    | 'section_country'
    | 'identifier_kind'
    | 'takedown_country_basis'
    | 'takedown_agency_kind';
  /** null in the headline sets */
  section: Section | null;
  country: string | null;
  is_us: boolean | null;
  us_level: string | null;
  process_type: string | null;
  identifier_kind: string | null;
  /** the takedown rows' legal basis or agency kind; null elsewhere */
  detail: string | null;
  identifiers: number;
  accounts: number;
  accounts_produced: number;
  accounts_preserved: number;
  accounts_restricted: number;
  accounts_deleted: number;
}

// grouping(section, country, is_us, us_level, process_type): a bit is 1 where a key is NOT grouped.
const ACCOUNT_SETS: Record<number, AccountGrainRow['set']> = {
  31: 'total',
  23: 'country',
  25: 'us_level',
  30: 'process_type',
  15: 'section',
  11: 'section_us',
  7: 'section_country',
  // Not a grouping() mask: the identifier-kind rows are one more branch of the union below.
  64: 'identifier_kind',
  65: 'takedown_country_basis',
  66: 'takedown_agency_kind',
};

/**
 * Pass 2, account grain: identifiers and distinct accounts per table row, for the rows the report has:
 * the total, each country, each US level (`is_us` true only), each process type, the preservation and
 * takedown sections (`section`), the emergency section, US and not (`section_us`), and the takedown section
 * by country (`section_country`). Other rows of those
 * sets are absent (no table shows them; the caller reads a missing row as 0).
 *
 * The period's targets are read once (one index scan over the period's ids) into a narrow working set;
 * each row set then makes one row per (row, account) by hash, over just the targets it needs, and the
 * outer grouping counts them: a distinct count without `count(distinct)`, which would sort per row.
 */
export async function accountGrain(db: Db, span: Span): Promise<AccountGrainRow[]> {
  const perAccount = sql`account_ref, count(*) as targets, bool_or(produced) as produced,
    bool_or(preserved) as preserved, bool_or(restricted) as restricted, bool_or(deleted) as deleted`;
  const { rows } = await sql<AccountGrainRow & { g: number }>`
    with period as materialized (
      select r.id, ${sectionOf('r')} as section, ${keys}
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
        and not (${isBandedOnly('r')}) and r.requester_class = 'government' and ${isFormal('r')}
    ),
    targets as materialized (
      -- The period's ids as one array: an index scan of their targets, never a scan of every target.
      select p.section, p.country, p.is_us, p.us_level, p.process_type, p.identifier_kind, p.restriction_basis,
        p.agency_kind, t.account_ref,
        t.result = 'produced' as produced, t.result = 'preserved' as preserved,
        t.result = 'restricted' as restricted, t.result = 'deleted' as deleted
      from period p join request_targets t on t.request_id = p.id
      where t.request_id = any(array(select id from period))
    )
    select g, section, country, is_us, us_level, process_type, identifier_kind, detail,
      sum(targets)::int as identifiers,
      count(account_ref)::int as accounts,
      count(account_ref) filter (where produced)::int as accounts_produced,
      count(account_ref) filter (where preserved)::int as accounts_preserved,
      count(account_ref) filter (where restricted)::int as accounts_restricted,
      count(account_ref) filter (where deleted)::int as accounts_deleted
    from (
      select 31 as g, null::text as section, null::text as country, null::boolean as is_us,
        null::text as us_level, null::text as process_type, null::text as identifier_kind,
        null::text as detail, ${perAccount}
      from targets group by account_ref
      union all
      select 23, null, country, null, null, null, null, null, ${perAccount}
      from targets group by country, account_ref
      union all
      -- The US row of the country set is the US total; no table needs distinct accounts of all others.
      select 25, null, null, is_us, us_level, null, null, null, ${perAccount}
      from targets where is_us group by is_us, us_level, account_ref
      union all
      select 30, null, null, null, null, process_type, null, null, ${perAccount}
      from targets group by process_type, account_ref
      union all
      select 15, section, null, null, null, null, null, null, ${perAccount}
      from targets where section in ('preservation', 'takedown') group by section, account_ref
      union all
      select 11, section, null, is_us, null, null, null, null, ${perAccount}
      from targets where section = 'emergency' group by section, is_us, account_ref
      union all
      select 7, section, country, null, null, null, null, null, ${perAccount}
      from targets where section = 'takedown' group by section, country, account_ref
      union all
      select 64, null, null, null, null, null, identifier_kind, null, ${perAccount}
      from targets group by identifier_kind, account_ref
      union all
      select 65, section, country, null, null, null, null, restriction_basis, ${perAccount}
      from targets where section = 'takedown' group by section, country, restriction_basis, account_ref
      union all
      select 66, section, null, null, null, null, null, agency_kind, ${perAccount}
      from targets where section = 'takedown' group by section, agency_kind, account_ref
    ) x
    group by g, section, country, is_us, us_level, process_type, identifier_kind, detail
  `.execute(db);
  return rows.map(({ g, ...row }) => ({ ...row, set: ACCOUNT_SETS[g] as AccountGrainRow['set'] }));
}

export interface CivilGrainRow extends OutcomeColumns {
  requests: number;
  in_process: number;
  in_process_at_end: number;
  identifiers: number;
  accounts: number;
  accounts_produced: number;
}

/**
 * Requests from private (civil) litigants received in `span`: their own table, never part of the government
 * figures. National-security process is left out here too (it is only ever banded, whoever is recorded as
 * asking).
 */
export async function civilGrain(db: Db, span: Span): Promise<CivilGrainRow> {
  const outcomes = sql.join(
    OUTCOMES.map((o) => sql`count(*) filter (where outcome = ${sql.lit(o)})::int as ${sql.ref(o)}`),
  );
  const { rows } = await sql<CivilGrainRow>`
    with period as materialized (
      select r.id, r.outcome::text as outcome, (r.outcome is null or r.responded_at >= ${span.to}) as open_at_end
      from requests r
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
        and r.requester_class = 'civil_litigant' and not (${isBandedOnly('r')})
    ),
    targets as materialized (
      select t.account_ref, t.result from request_targets t where t.request_id = any(array(select id from period))
    )
    select count(*)::int as requests,
      count(*) filter (where outcome is null)::int as in_process,
      count(*) filter (where open_at_end)::int as in_process_at_end,
      ${outcomes},
      (select count(*) from targets)::int as identifiers,
      (select count(distinct account_ref) from targets)::int as accounts,
      (select count(distinct account_ref) from targets where result = 'produced')::int as accounts_produced
    from period`.execute(db);
  return rows[0]!;
}

/**
 * How many requests received in `span` (national-security process aside) were brought in from another system
 * with an audited history override (`history_overrides`): facts the policy gate would refuse today.
 */
export async function historyOverrideCount(db: Db, span: Span): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n
    from requests r
    where r.received_at >= ${span.from} and r.received_at < ${span.to} and not (${isBandedOnly('r')})
      and exists (select 1 from history_overrides h where h.request_id = r.id)`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Requests received in `span` whose process type a PATCH moved into or out of national-security process
 * (NSLs, FISA, foreign national-security orders: every process no exact table counts) after the audit event
 * `sinceHash` (the head a frozen version was computed at): what their type was then, against what it is now.
 * A correction that publishes such moves lets anyone subtract the exact tables of two versions. A move
 * between two kinds of national-security process changes no exact table and is not counted.
 */
export async function nationalSecurityMoves(
  db: Db,
  span: Span,
  sinceHash: string | null,
): Promise<{ into: number; out_of: number }> {
  const ns = list(BANDED_ONLY_PROCESS);
  const { rows } = await sql<{ into: number; out_of: number }>`
    with since as (
      select coalesce((select seq from audit_events where hash = ${sinceHash}), 0) as seq
    ),
    moved as (
      select distinct on (e.entity_id) e.entity_id::bigint as id, e.before ->> 'process_type' as was
      from audit_events e
      where e.entity = 'request' and e.action = 'request.update' and e.seq > (select seq from since)
        and e.before ->> 'process_type' is not null
      order by e.entity_id, e.seq
    )
    select
      count(*) filter (where m.was not in (${ns}) and r.process_type in (${ns}))::int as into,
      count(*) filter (where m.was in (${ns}) and r.process_type not in (${ns}))::int as out_of
    from moved m join requests r on r.id = m.id
    where r.received_at >= ${span.from} and r.received_at < ${span.to}`.execute(db);
  return rows[0] ?? { into: 0, out_of: 0 };
}

export interface DsaGrainRow {
  category: string | null;
  /** the DSA sub-category recorded (rows of orders that name one); null for the category's own row */
  keyword: string | null;
  /** for KEYWORD_OTHER: the descriptions recorded, distinct, joined by "; " */
  other_description: string | null;
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
 * Orders from Member State authorities, by category and Member State (Eurostat codes), with medians in hours
 * from receipt (Annex II: an acknowledgement within the first hour counts as 0). Annex II §1.2 counts orders
 * "including but not limited to" Art. 9 and 10, so the channel does not decide: an order to act is a DSA
 * Art. 9 order or any other government demand to restrict content or an account; an order to provide
 * information is a DSA Art. 10 order or any other government demand to disclose. Preservation demands are
 * neither. National-security process (NSLs, FISA) never enters an exact table, this one included.
 */
export async function dsaGrain(db: Db, span: Span): Promise<DsaGrainRow[]> {
  const hours = (col: string) =>
    sql`case when ${sql.ref(col)} is null then null
             when extract(epoch from ${sql.ref(col)} - received_at) < 3600 then 0
             else extract(epoch from ${sql.ref(col)} - received_at) / 3600 end`;
  const median = (col: string, kind: string) =>
    sql`percentile_cont(0.5) within group (order by ${hours(col)})
        filter (where kind = ${sql.lit(kind)})`;
  const { rows } = await sql<DsaGrainRow>`
    select category, keyword, member_state,
      case when keyword = 'KEYWORD_OTHER'
        then string_agg(distinct other_description, '; ' order by other_description) end as other_description,
      count(*) filter (where kind = 'act')::int as orders_to_act,
      coalesce(sum(items) filter (where kind = 'act'), 0)::int as items,
      ${median('acknowledged_at', 'act')} as ack_hours,
      ${median('effect_given_at', 'act')} as effect_hours,
      count(*) filter (where kind = 'information')::int as orders_to_provide_information,
      ${median('acknowledged_at', 'information')} as ack_hours_information,
      ${median('effect_given_at', 'information')} as effect_hours_information
    from (
      select coalesce(r.dsa_category, 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER') as category,
        case a.country when 'GR' then 'EL' else a.country::text end as member_state,
        case when r.channel = 'dsa_art_9' then 'act'
             when r.channel = 'dsa_art_10' then 'information'
             when r.process_type = 'takedown_request' or r.demand_kind in (${list(TAKEDOWN_DEMANDS)}) then 'act'
             when r.process_type <> 'preservation_request' and r.demand_kind = 'disclose' then 'information'
        end as kind,
        r.items_of_information as items, r.received_at, r.acknowledged_at, r.effect_given_at,
        -- A keyword only under the category it belongs to (the intake schema's rule; no category, no keyword).
        case when r.dsa_category is not null then r.dsa_keyword end as keyword,
        r.dsa_keyword_other as other_description
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to}
        and a.country in (${list(EU_MEMBER_STATES)}) and r.requester_class = 'government'
        and not (${isBandedOnly('r')}) and ${isFormal('r')}
    ) d
    where kind is not null
    group by grouping sets ((), (category), (member_state), (category, member_state),
      (category, keyword), (category, keyword, member_state))
    -- The keyword sets hold the orders that name a keyword; those that name none are only in their category.
    having grouping(keyword) = 1 or keyword is not null
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

/**
 * Exact counts of foreign national-security orders received in `span`, by the issuing authority's country.
 * The caller must hand them straight to `bandForeignNationalSecurity`; they are never stored or returned
 * anywhere else.
 */
export async function foreignNationalSecurityCounts(db: Db, span: Span): Promise<Map<string, number>> {
  const { rows } = await sql<{ country: string; requests: number }>`
    select a.country::text as country, count(*)::int as requests
    from requests r join agencies a on a.id = r.agency_id
    where r.received_at >= ${span.from} and r.received_at < ${span.to}
      and ${sectionOf('r')} = 'foreign_national_security'
    group by a.country`.execute(db);
  return new Map(rows.map((r) => [r.country, r.requests]));
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

/** When the first request on record was received, or null when there is none. */
export async function firstReceivedAt(db: Db): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`select min(received_at) as at from requests`.execute(db);
  return rows[0]?.at ?? null;
}
