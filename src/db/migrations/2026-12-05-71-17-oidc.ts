import { sql, type Kysely } from 'kysely';

// Single sign-on (issue 17.6). A user may be linked to one OpenID Connect identity (issuer + subject); a session
// records how it was opened, so the rule "every local account has a second factor" applies to password
// sessions and not to sessions the identity provider vouched for. Instance settings an admin changes in the
// web app (the first: that rule) live in `settings`, one JSON value per key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column oidc_issuer text check (length(oidc_issuer) <= 2000)`.execute(db);
  await sql`alter table users add column oidc_subject text check (length(oidc_subject) <= 255)`.execute(db);
  await sql`
    alter table users add constraint users_oidc_identity
    check ((oidc_issuer is null) = (oidc_subject is null))`.execute(db);
  await sql`create unique index users_oidc_identity_idx on users (oidc_issuer, oidc_subject)`.execute(db);
  await sql`
    alter table sessions add column method text not null default 'password'
    check (method in ('password', 'oidc'))`.execute(db);
  await sql`
    create table settings (
      key text primary key check (length(key) <= 100),
      value jsonb not null,
      updated_at timestamptz not null,
      updated_by text not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table settings`.execute(db);
  await sql`alter table sessions drop column method`.execute(db);
  await sql`drop index users_oidc_identity_idx`.execute(db);
  await sql`alter table users drop constraint users_oidc_identity`.execute(db);
  await sql`alter table users drop column oidc_subject`.execute(db);
  await sql`alter table users drop column oidc_issuer`.execute(db);
}
