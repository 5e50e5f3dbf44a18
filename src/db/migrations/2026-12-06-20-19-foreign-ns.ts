import { sql, type Kysely } from 'kysely';

// Foreign national-security orders (issue 19.3): a process type of their own, e.g. a UK Investigatory Powers
// Act warrant, which is neither FISA nor an NSL. Like them it is always restricted (its own law forbids
// disclosing it): the trigger and check of 2026-12-05-80-17-restricted now name it too. The list is written
// out here (migrations never import app code); domain/restricted.ts holds the same list, and
// test/db/restricted.test.ts checks the two agree.
const NS = sql.raw(
  `('national_security_letter', 'fisa_content_order', 'fisa_non_content_order', 'foreign_national_security_order')`,
);
const US_NS = sql.raw(`('national_security_letter', 'fisa_content_order', 'fisa_non_content_order')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter type process_type add value if not exists 'foreign_national_security_order' after 'fisa_non_content_order'`.execute(
    db,
  );
  await sql`
    create or replace function requests_restrict_ns() returns trigger language plpgsql as $$
    begin
      if new.process_type::text in ${NS} then new.restricted := true; end if;
      return new;
    end $$`.execute(db);
  await sql`alter table requests drop constraint requests_ns_restricted`.execute(db);
  await sql`
    alter table requests add constraint requests_ns_restricted
    check (restricted or process_type::text not in ${NS})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table requests drop constraint requests_ns_restricted`.execute(db);
  await sql`
    alter table requests add constraint requests_ns_restricted
    check (restricted or process_type::text not in ${US_NS})`.execute(db);
  await sql`
    create or replace function requests_restrict_ns() returns trigger language plpgsql as $$
    begin
      if new.process_type::text in ${US_NS} then new.restricted := true; end if;
      return new;
    end $$`.execute(db);
  // PostgreSQL cannot drop an enum value; `foreign_national_security_order` stays, unused.
}
