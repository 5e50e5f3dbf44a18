import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { OUTCOMES } from '../domain/vocabulary.ts';
import { isBandedOnly, isFormal, type OutcomeColumns, type Span } from './report-repository.ts';

/**
 * The report queries of issue 16.2: informal government requests (their own table, never in the headline),
 * requests by access mode and process type, and court challenges by stage and result. The last two count the
 * headline's requests (government, formal, national-security process never: it is only ever banded).
 */

/** The headline's requests of a span, as a WHERE clause over `requests r`. */
const headline = (span: Span) => sql`r.received_at >= ${span.from} and r.received_at < ${span.to}
  and not (${isBandedOnly('r')}) and r.requester_class = 'government' and ${isFormal('r')}`;

export interface InformalGrainRow extends OutcomeColumns {
  /** null in the total row and the process-type rows */
  country: string | null;
  /** null in the total row and the country rows */
  process_type: string | null;
  requests: number;
  in_process: number;
  /** distinct accounts named; per row */
  accounts: number;
}

/** Informal requests received in `span` (channel `informal`): the total, by country and by process type. */
export async function informalGrain(db: Db, span: Span): Promise<InformalGrainRow[]> {
  const outcomes = sql.join(
    OUTCOMES.map(
      (o) => sql`count(distinct p.id) filter (where p.outcome = ${sql.lit(o)})::int as ${sql.ref(o)}`,
    ),
  );
  const { rows } = await sql<InformalGrainRow>`
    with p as (
      select r.id, a.country::text as country, r.process_type::text as process_type, r.outcome::text as outcome
      from requests r join agencies a on a.id = r.agency_id
      where r.received_at >= ${span.from} and r.received_at < ${span.to} and r.channel::text = 'informal'
        and r.requester_class = 'government' and not (${isBandedOnly('r')})
    )
    select p.country, p.process_type, count(distinct p.id)::int as requests,
      count(distinct p.id) filter (where p.outcome is null)::int as in_process,
      count(distinct t.account_ref)::int as accounts,
      ${outcomes}
    from p left join request_targets t on t.request_id = p.id
    group by grouping sets ((), (p.country), (p.process_type))`.execute(db);
  return rows;
}

export interface AccessModeRow {
  process_type: string;
  /** 'stored', 'prospective' or 'not_recorded' */
  access_mode: string;
  requests: number;
}

/** The headline's requests by process type and access mode (null read as 'not_recorded'). */
export async function accessModeGrain(db: Db, span: Span): Promise<AccessModeRow[]> {
  const { rows } = await sql<AccessModeRow>`
    select r.process_type::text as process_type, coalesce(r.access_mode::text, 'not_recorded') as access_mode,
      count(*)::int as requests
    from requests r
    where ${headline(span)}
    group by 1, 2`.execute(db);
  return rows;
}

export interface ChallengeGrainRow {
  stage: string;
  result: string;
  requests: number;
}

/**
 * The headline's requests challenged in court, each once, by the stage and result of its latest recorded step.
 */
export async function challengeGrain(db: Db, span: Span): Promise<ChallengeGrainRow[]> {
  const { rows } = await sql<ChallengeGrainRow>`
    select stage::text as stage, result::text as result, count(*)::int as requests
    from (
      select distinct on (c.request_id) c.stage, c.result
      from court_challenges c join requests r on r.id = c.request_id
      where ${headline(span)}
      order by c.request_id, c.id desc
    ) latest
    group by 1, 2`.execute(db);
  return rows;
}
