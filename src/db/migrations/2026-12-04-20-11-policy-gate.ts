import { sql, type Kysely } from 'kysely';

// The policy gate (issue 11). Whether the targeted customer is a US person or located in the US: an order
// under a 2523 executive agreement may not target one (18 U.S.C. 2523(b)(4)); null = not recorded.
// History brought in from another system may carry what the gate would refuse today (a policy tier, a
// workflow rule, never a statutory bar) only with a written reason per row: kept beside the request, forever,
// and counted by the report as such.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table requests add column target_us_person boolean`.execute(db);
  await sql`
    create table history_overrides (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      rules text[] not null check (cardinality(rules) >= 1),
      findings text[] not null,
      reason text not null check (length(btrim(reason)) >= 10 and length(reason) <= 4000),
      source text not null check (length(source) between 1 and 400),
      line integer,
      created_by text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index history_overrides_request_idx on history_overrides (request_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table history_overrides`.execute(db);
  await sql`alter table requests drop column target_us_person`.execute(db);
}
