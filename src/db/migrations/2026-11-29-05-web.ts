import { sql, type Kysely } from 'kysely';

// Sign-in for the web app: server-side sessions, one-time setup links, and failed sign-ins for the rate
// limit. Secrets (session ids, setup tokens) are stored only as SHA-256 hex, so a database leak reveals none.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create type session_stage as enum ('second_factor', 'signed_in')`.execute(db);
  await sql`
    create table sessions (
      id_hash text primary key check (id_hash ~ '^[0-9a-f]{64}$'),
      user_id bigint not null references users (id),
      stage session_stage not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      csrf_secret text not null check (length(csrf_secret) >= 32),
      user_agent text check (length(user_agent) <= 500),
      constraint sessions_expiry_after_creation check (expires_at > created_at),
      constraint sessions_seen_after_creation check (last_seen_at >= created_at)
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id) where revoked_at is null`.execute(db);

  await sql`
    create table setup_tokens (
      token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
      -- null: the first-run link that creates the first admin; otherwise the user whose password it sets
      user_id bigint references users (id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      constraint setup_tokens_expiry_after_creation check (expires_at > created_at),
      constraint setup_tokens_used_in_time check (used_at is null or used_at <= expires_at)
    )`.execute(db);

  // Failed sign-ins, kept in the database (not in memory) so several web instances share one limit.
  await sql`
    create table login_failures (
      id bigint generated always as identity primary key,
      account text not null check (length(account) <= 320),
      ip text not null check (length(ip) <= 64),
      at timestamptz not null
    )`.execute(db);
  await sql`create index login_failures_account_idx on login_failures (account, at)`.execute(db);
  await sql`create index login_failures_ip_idx on login_failures (ip, at)`.execute(db);

  // The requests list searches external references by prefix (LIKE 'x%'), which a default-collation
  // index cannot serve.
  await sql`create index requests_external_ref_prefix_idx on requests (external_ref text_pattern_ops)`.execute(
    db,
  );

  // The last accepted TOTP time step: a code is accepted once (RFC 6238 section 5.2).
  await sql`alter table users add column totp_last_step bigint check (totp_last_step >= 0)`.execute(db);
  await sql`alter table users add constraint users_password_hash_format check (password_hash is null or password_hash like 'scrypt$%')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint users_password_hash_format`.execute(db);
  await sql`alter table users drop column totp_last_step`.execute(db);
  await sql`drop index requests_external_ref_prefix_idx`.execute(db);
  await sql`drop table login_failures`.execute(db);
  await sql`drop table setup_tokens`.execute(db);
  await sql`drop table sessions`.execute(db);
  await sql`drop type session_stage`.execute(db);
}
