import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

/**
 * Records the work of a team that kept up, for the demo: follow-up process received for every emergency
 * disclosure whose follow-up falls due before `ahead`, and every order in force whose review falls due before
 * `ahead` reviewed within the last 330 days. A workflow record bumps the request's version, as every workflow
 * step does.
 */
export async function recordKeptUpWork(
  trx: Db,
  actor: string,
  now: Date,
  o: { ahead: Date; followUpDays: number; reviewDays: number; nationalSecurityReviewDays: number },
): Promise<void> {
  await sql`
    with e as (
      insert into emergency_records (request_id, attests_danger, recorded_by, recorded_at, follow_up_received_at)
      select id, true, ${actor}, ${now},
        least(responded_at + make_interval(days => 3 + (id % 20)::int), ${now}::timestamptz)
      from requests
      where emergency and responded_at + make_interval(days => ${o.followUpDays}::int) < ${o.ahead}::timestamptz
        and outcome in ('non_content_produced', 'content_produced')
      on conflict (request_id) do nothing
      returning request_id)
    update requests set version = version + 1 where id in (select request_id from e)`.execute(trx);
  await sql`
    update nondisclosure_orders n
    set review_requested_at = ${now}::timestamptz - make_interval(days => ((n.id * 37) % 330)::int)
    from requests r
    where r.id = n.request_id and n.lifted_at is null
      and (n.expires_at is null or n.expires_at > ${now}::timestamptz)
      and coalesce(n.review_requested_at, n.issued_at, r.received_at) + make_interval(days =>
        (case when n.authority in ('nsl_2709c', 'fisa') then ${o.nationalSecurityReviewDays} else ${o.reviewDays} end)::int)
        < ${o.ahead}::timestamptz`.execute(trx);
}
