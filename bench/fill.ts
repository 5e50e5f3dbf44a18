/**
 * Bench data shared by the benchmarks: `rows` requests spread over 2015-2026, written by bulk SQL from
 * `generate_series` (340 agencies; about 1.33 targets per request, accounts drawn from a pool of rows/3).
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/connect.ts';

export async function fill(db: Db, rows: number): Promise<void> {
  const countries = [
    'US',
    'US',
    'US',
    'US',
    'US',
    'US',
    'CA',
    'GB',
    'DE',
    'FR',
    'IT',
    'BE',
    'GR',
    'AU',
    'JP',
    'BR',
    'IN',
  ];
  const states = ['US-CA', 'US-NY', 'US-TX', 'US-FL', 'US-WA'];
  await sql`
    insert into agencies (name, kind, level, country, subdivision)
    select 'Agency ' || g, 'law_enforcement',
      (case when c = 'US' then (array['federal','state','local','municipal'])[1 + g % 4] else 'national' end)::agency_level,
      c, case when c = 'US' and g % 4 > 0 then (${sql.val(states)}::text[])[1 + g % 5] end
    from generate_series(0, 339) g, lateral (select (${sql.val(countries)}::text[])[1 + g % ${countries.length}] as c) x`.execute(
    db,
  );
  const processes = [
    'subpoena',
    'grand_jury_subpoena',
    'search_warrant',
    'court_order_2703d',
    'court_order',
    'emergency_request',
    'preservation_request',
    'takedown_request',
    'police_force_order',
    'mlat_request',
    'national_security_letter',
  ];
  const outcomes = [
    'rejected',
    'withdrawn',
    'no_data',
    'non_content_produced',
    'content_produced',
    'withdrawn_after_notice_policy',
  ];
  const span = 12 * 365.25 * 86_400; // 2015-01-01 .. 2026-12-31, seconds
  const batch = 250_000;
  for (let lo = 1; lo <= rows; lo += batch) {
    const hi = Math.min(rows, lo + batch - 1);
    await sql`
      insert into requests (external_ref, received_at, agency_id, channel, process_type, emergency, demand_kind,
        status, outcome, responded_at, notice_status, dsa_category, items_of_information, acknowledged_at, effect_given_at)
      select 'B-' || g, t, 1 + (g * 7919) % 340, ch::channel, p::process_type, p = 'emergency_request',
        (case p when 'preservation_request' then 'preserve' when 'takedown_request' then 'restrict_content' else 'disclose' end)::demand_kind,
        (case when o is null then 'in_review' else 'closed' end)::request_status, o::outcome,
        case when o is not null then t + interval '3 days' end,
        (case when o is null then 'pending' when g % 5 = 0 then 'sent' else 'not_applicable' end)::notice_status,
        case when ch like 'dsa%' then 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' end,
        case when ch = 'dsa_art_9' then 1 + g % 4 end,
        case when ch like 'dsa%' then t + (g % 48) * interval '1 hour' end,
        case when ch like 'dsa%' then t + (g % 96) * interval '1 hour' end
      from generate_series(${lo}::bigint, ${hi}::bigint) g,
      lateral (select timestamptz '2015-01-01' + ((g * 104729) % ${Math.floor(span)}) * interval '1 second' as t,
                      (${sql.val(processes)}::text[])[1 + (g * 31) % ${processes.length}] as p,
                      case when g % 17 = 0 then null
                           else (${sql.val(outcomes)}::text[])[1 + (g * 13) % ${outcomes.length}] end as o,
                      case when g % 97 = 0 then 'dsa_art_9' when g % 89 = 0 then 'dsa_art_10'
                           when g % 23 = 0 then 'mlat' else 'domestic' end as ch) x`.execute(db);
    // Targets: one per request, a second for every third; accounts drawn from a pool of rows/3.
    await sql`
      insert into request_targets (request_id, identifier, account_ref, result)
      select r.id, 'id-' || r.id || '-' || k, 'acct-' || ((r.id * 7 + k) % ${Math.max(1, Math.floor(rows / 3))}),
        (case when r.outcome in ('non_content_produced', 'content_produced') then 'produced'
              when r.outcome is null then null else 'not_produced' end)::account_result
      from requests r, generate_series(1, 2) k
      where r.id between ${lo} and ${hi} and (k = 1 or r.id % 3 = 0)`.execute(db);
    process.stderr.write(`  ${hi} rows\n`);
  }
  await sql`analyze`.execute(db);
}
