import { sql, type Kysely } from 'kysely';

// Informal requests, stored vs real-time access, court challenges (issue 16.2).
// - channel `informal`: a government request without legal process (a referral, a call, a flagging); it may
//   carry only a takedown request or `other` (domain/request-process.ts, written out here: migrations never
//   import app code). The checks compare `channel::text`, as a new enum value cannot be used as a literal in
//   the transaction that adds it.
// - requests.access_mode: stored or prospective, null = not recorded. Wiretap and pen-register orders collect
//   in real time: never `stored`, and the ones on record are marked prospective (a new table; no existing
//   figure changes).
// - court_challenges: one row per recorded step of a court challenge of a request (stage, dates, result).
const INFORMAL_PROCESS = sql.raw(`('takedown_request', 'other')`);
const PROSPECTIVE = sql.raw(`('wiretap_order', 'pen_register_order')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter type channel add value if not exists 'informal'`.execute(db);
  await sql`create type access_mode as enum ('stored', 'prospective')`.execute(db);
  await sql`create type challenge_stage as enum ('motion_filed', 'first_instance', 'appeal', 'highest_court')`.execute(
    db,
  );
  await sql`
    create type challenge_result as enum ('pending', 'won', 'lost', 'partly_won', 'withdrawn_by_requester')`.execute(
    db,
  );
  await sql`alter table requests add column access_mode access_mode`.execute(db);
  await sql`update requests set access_mode = 'prospective' where process_type::text in ${PROSPECTIVE}`.execute(
    db,
  );
  await sql`
    alter table requests add constraint requests_prospective_process
    check (access_mode is null or access_mode = 'prospective' or process_type::text not in ${PROSPECTIVE})`.execute(
    db,
  );
  await sql`
    alter table requests add constraint requests_informal_process
    check (channel::text <> 'informal' or process_type::text in ${INFORMAL_PROCESS})`.execute(db);
  await sql`
    create table court_challenges (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      stage challenge_stage not null,
      result challenge_result not null,
      filed_at timestamptz,
      decided_at timestamptz,
      court text,
      recorded_by text not null,
      recorded_at timestamptz not null default now(),
      constraint challenge_decided_after_filed check (decided_at is null or filed_at is null or decided_at >= filed_at),
      constraint challenge_pending_undecided check (result <> 'pending' or decided_at is null)
    )`.execute(db);
  await sql`create index court_challenges_request on court_challenges (request_id, id)`.execute(db);
  // Imports stage every column they write (2026-12-06-40-13-import-staging).
  await sql`alter table import_staged_requests add column access_mode access_mode`.execute(db);
  await sql`alter table import_staged_requests add column court_challenge jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_staged_requests drop column court_challenge`.execute(db);
  await sql`alter table import_staged_requests drop column access_mode`.execute(db);
  await sql`drop table court_challenges`.execute(db);
  await sql`alter table requests drop constraint requests_informal_process`.execute(db);
  await sql`alter table requests drop constraint requests_prospective_process`.execute(db);
  await sql`alter table requests drop column access_mode`.execute(db);
  await sql`drop type challenge_result`.execute(db);
  await sql`drop type challenge_stage`.execute(db);
  await sql`drop type access_mode`.execute(db);
  // PostgreSQL cannot drop an enum value; `informal` stays, unused.
}
