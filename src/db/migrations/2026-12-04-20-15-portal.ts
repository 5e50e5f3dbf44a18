import { sql, type Kysely } from 'kysely';

// The agency portal (issue 15): a second realm with its own users, sessions and one-time links. Portal users
// are officers of agencies, never staff: they have no role and no row in `users`. A submission is an officer's
// request waiting in the portal intake queue; it becomes (or joins) a request when the legal team accepts it,
// or at once when it is an emergency. Releases hand a recorded production to the submitting officer.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table portal_domain_rules (
      id bigint generated always as identity primary key,
      -- a domain, lower case, without a leading dot; 'suffix' also matches every name under it
      domain text not null check (domain ~ '^[a-z0-9-]+(\.[a-z0-9-]+)*$' and length(domain) <= 253),
      kind text not null check (kind in ('exact', 'suffix')),
      country text check (country ~ '^[A-Z]{2}$'),
      added_by text not null,
      added_at timestamptz not null,
      unique (domain, kind)
    )`.execute(db);
  await sql`
    create table portal_users (
      id bigint generated always as identity primary key,
      email text not null unique check (length(email) <= 320 and email = lower(email)),
      name text not null check (length(name) between 1 and 200),
      title text not null check (length(title) between 1 and 200),
      agency text not null check (length(agency) between 1 and 300),
      phone text not null check (length(phone) between 3 and 50),
      country text not null check (country ~ '^[A-Z]{2}$'),
      state text not null check (state in ('unverified', 'pending_review', 'active', 'refused', 'disabled')),
      -- the allow-list rule the address matched at registration (null: none, so an admin reviewed it)
      domain_rule text,
      email_verified_at timestamptz,
      -- how and by whom the account was verified: 'domain rule .gov' / 'admin review', and the admin
      verified_how text,
      verified_by text,
      review_reason text check (length(review_reason) <= 2000),
      totp_secret text,
      totp_last_step bigint,
      first_sign_in_at timestamptz,
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create table portal_tokens (
      token_hash text primary key,
      user_id bigint not null references portal_users (id),
      purpose text not null check (purpose in ('verify', 'sign_in')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`
    create table portal_sessions (
      id_hash text primary key,
      user_id bigint not null references portal_users (id),
      stage text not null check (stage in ('enrol', 'second_factor', 'signed_in')),
      csrf_secret text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`
    create table portal_submissions (
      id bigint generated always as identity primary key,
      user_id bigint not null references portal_users (id),
      state text not null check (state in ('received', 'accepted', 'refused', 'withdrawn')),
      -- the request it became, or the existing request it was linked to as a duplicate
      request_id bigint references requests (id),
      duplicate boolean not null default false,
      -- the validated intake input (src/domain/request-input.ts), written to a request on acceptance
      input jsonb not null,
      reference text not null check (length(reference) between 1 and 200),
      officer_name text not null,
      officer_title text not null,
      officer_agency text not null,
      officer_phone text not null,
      attestation text not null,
      emergency boolean not null,
      danger text check (length(danger) <= 4000),
      why_now text check (length(why_now) <= 4000),
      callback_phone text check (length(callback_phone) <= 50),
      document_id bigint references documents (id),
      submitted_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      refusal_message text check (length(refusal_message) <= 4000),
      -- the status the officer was last told of by e-mail
      notified_status text
    )`.execute(db);
  await sql`create index portal_submissions_user_idx on portal_submissions (user_id, id)`.execute(db);
  await sql`create index portal_submissions_request_idx on portal_submissions (request_id)`.execute(db);
  await sql`create index portal_submissions_queue_idx on portal_submissions (id) where state = 'received'`.execute(
    db,
  );
  await sql`
    create table portal_messages (
      id bigint generated always as identity primary key,
      submission_id bigint not null references portal_submissions (id),
      sender text not null check (sender in ('staff', 'officer')),
      author text not null,
      body text not null check (length(body) between 1 and 10000),
      at timestamptz not null
    )`.execute(db);
  await sql`create index portal_messages_submission_idx on portal_messages (submission_id, id)`.execute(db);
  await sql`
    create table portal_releases (
      id bigint generated always as identity primary key,
      submission_id bigint not null references portal_submissions (id),
      production_id bigint not null references productions (id),
      released_by text not null,
      released_at timestamptz not null,
      expires_at timestamptz not null,
      max_downloads integer not null check (max_downloads between 1 and 100),
      downloads integer not null default 0 check (downloads >= 0),
      revoked_at timestamptz,
      revoked_by text
    )`.execute(db);
  await sql`create index portal_releases_submission_idx on portal_releases (submission_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'portal_releases',
    'portal_messages',
    'portal_submissions',
    'portal_sessions',
    'portal_tokens',
    'portal_users',
    'portal_domain_rules',
  ])
    await sql`drop table ${sql.id(t)}`.execute(db);
}
