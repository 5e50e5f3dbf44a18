import { sql, type Kysely } from 'kysely';

// Restricted matters (issue 17.7). A restricted request is seen (its existence, facts, documents and audit
// details) only by users holding the restricted-matters grant; everyone else meets it only inside the report's
// lawful bands. National-security process is always restricted: a trigger sets the flag whatever door inserts
// or re-types the request, and a check refuses to clear it, so no code path can forget.
// The list is written out here (migrations never import app code); domain/restricted.ts holds the same list,
// and test/db/restricted.test.ts checks the two agree.
const NS = sql.raw(`('national_security_letter', 'fisa_content_order', 'fisa_non_content_order')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table requests add column restricted boolean not null default false`.execute(db);
  await sql`update requests set restricted = true where process_type::text in ${NS}`.execute(db);
  await sql`
    create function requests_restrict_ns() returns trigger language plpgsql as $$
    begin
      if new.process_type::text in ${NS} then new.restricted := true; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger requests_restrict_ns before insert or update of process_type, restricted on requests
    for each row execute function requests_restrict_ns()`.execute(db);
  await sql`
    alter table requests add constraint requests_ns_restricted
    check (restricted or process_type::text not in ${NS})`.execute(db);
  // A partial index: restricted requests are few, and "which are restricted" is asked by every list.
  await sql`create index requests_restricted_idx on requests (id) where restricted`.execute(db);
  // One grant covers every restricted request (need-to-know is decided per person, not per matter).
  await sql`
    create table restricted_grants (
      user_id bigint primary key references users (id),
      granted_by text not null check (length(granted_by) <= 500),
      granted_at timestamptz not null,
      reason text not null check (length(reason) between 1 and 2000)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table restricted_grants`.execute(db);
  await sql`drop index requests_restricted_idx`.execute(db);
  await sql`alter table requests drop constraint requests_ns_restricted`.execute(db);
  await sql`drop trigger requests_restrict_ns on requests`.execute(db);
  await sql`drop function requests_restrict_ns()`.execute(db);
  await sql`alter table requests drop column restricted`.execute(db);
}
