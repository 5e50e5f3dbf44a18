import { sql, type Kysely } from 'kysely';

// Sign-in limits are reserved before the password or code is checked: one counter row per key
// (`account:<e-mail>`, `ip:<address>`, `totp:<user id>`), counted up in the same statement that decides, so
// parallel attempts cannot all pass a check made before any of them was recorded. The rows of the old
// `login_failures` table were counted after the fact; they are short-lived and are not carried over.
// A user whose second factor was failed too often is locked until `locked_until`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table login_attempts (
      key text primary key check (length(key) <= 400),
      window_start timestamptz not null,
      attempts integer not null check (attempts >= 0)
    )`.execute(db);
  await sql`drop table login_failures`.execute(db);
  await sql`alter table users add column locked_until timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column locked_until`.execute(db);
  await sql`
    create table login_failures (
      id bigint generated always as identity primary key,
      account text not null check (length(account) <= 320),
      ip text not null check (length(ip) <= 64),
      at timestamptz not null
    )`.execute(db);
  await sql`create index login_failures_account_idx on login_failures (account, at)`.execute(db);
  await sql`create index login_failures_ip_idx on login_failures (ip, at)`.execute(db);
  await sql`drop table login_attempts`.execute(db);
}
