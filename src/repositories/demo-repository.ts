import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

/**
 * Records the work of a team that kept up, for the demo: follow-up process received for emergencies answered
 * more than 45 days ago, and open-ended orders reviewed within the last 330 days. A workflow record bumps the
 * request's version, as every workflow step does.
 */
export async function recordKeptUpWork(trx: Db, actor: string, now: Date): Promise<void> {
  await sql`
    with e as (
      insert into emergency_records (request_id, attests_danger, recorded_by, recorded_at, follow_up_received_at)
      select id, true, ${actor}, ${now}, responded_at + make_interval(days => 3 + (id % 20)::int)
      from requests
      where emergency and responded_at < ${now}::timestamptz - interval '45 days'
        and outcome in ('non_content_produced', 'content_produced')
      on conflict (request_id) do nothing
      returning request_id)
    update requests set version = version + 1 where id in (select request_id from e)`.execute(trx);
  await sql`
    update nondisclosure_orders n
    set review_requested_at = ${now}::timestamptz - make_interval(days => ((n.id * 37) % 330)::int)
    from requests r
    where r.id = n.request_id and n.lifted_at is null and n.expires_at is null
      and coalesce(n.issued_at, r.received_at) < ${now}::timestamptz - interval '330 days'`.execute(trx);
}
