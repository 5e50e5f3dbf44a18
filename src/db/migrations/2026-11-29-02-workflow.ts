import { sql, type Kysely } from 'kysely';

// The legal workflow: emergency verification, approvals, recorded responses with the overrides of the
// compelled-data tiers, and preservation holds. Vocabularies are spelled out here (migrations never import
// app code); they mirror src/domain/emergency.ts, preservation.ts and services/workflow.ts.

const enums: Record<string, string[]> = {
  callback_number_source: ['agency_directory', 'official_website', 'known_contact', 'request', 'other'],
  approval_purpose: ['emergency_disclosure', 'legal_sign_off'],
  hold_regime: ['sca_2703f', 'foreign', 'eu_epoc_pr'],
  hold_release_reason: ['expired_without_process', 'process_received', 'withdrawn', 'other'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, values] of Object.entries(enums)) {
    await sql`create type ${sql.id(name)} as enum (${sql.join(values.map((v) => sql.lit(v)))})`.execute(db);
  }

  // One row per emergency request: the attested basis, the call-back that verified it, and what followed.
  await sql`
    create table emergency_records (
      request_id bigint primary key references requests (id) on delete cascade,
      attests_danger boolean not null,
      verified_by text check (length(btrim(verified_by)) between 1 and 300),
      called_back_at timestamptz,
      callback_number text check (length(btrim(callback_number)) between 3 and 60),
      number_source callback_number_source,
      recorded_by text not null,
      recorded_at timestamptz not null,
      passed_at timestamptz,
      follow_up_received_at timestamptz,
      -- a verification is all of who, when, which number and where it came from, or none of them
      constraint emergency_verification_whole check (
        (verified_by is null) = (called_back_at is null)
        and (verified_by is null) = (callback_number is null)
        and (verified_by is null) = (number_source is null))
    )`.execute(db);

  await sql`
    create table request_approvals (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      approver_id bigint not null references users (id),
      purpose approval_purpose not null,
      note text check (length(note) <= 4000),
      approved_at timestamptz not null,
      -- approvals given before a reopen no longer count
      withdrawn_at timestamptz check (withdrawn_at >= approved_at)
    )`.execute(db);
  await sql`create index request_approvals_request_idx on request_approvals (request_id)`.execute(db);

  // Every recorded response is kept; a reopen supersedes the current one rather than erasing it.
  await sql`
    create table request_responses (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      outcome outcome not null,
      produced data_sought[] not null default '{}' check (no_duplicates(produced)),
      responded_at timestamptz not null,
      recorded_by text not null,
      recorded_at timestamptz not null,
      superseded_at timestamptz check (superseded_at >= recorded_at)
    )`.execute(db);
  await sql`create unique index request_responses_current_key on request_responses (request_id) where superseded_at is null`.execute(
    db,
  );

  // A production beyond what the process may compel, allowed by an approver in writing; kept forever.
  await sql`
    create table production_overrides (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      response_id bigint not null references request_responses (id),
      approver_id bigint not null references users (id),
      beyond data_sought[] not null check (cardinality(beyond) >= 1 and no_duplicates(beyond)),
      findings text[] not null,
      reason text not null check (length(btrim(reason)) >= 10 and length(reason) <= 4000),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index production_overrides_request_idx on production_overrides (request_id)`.execute(db);

  await sql`
    create table preservation_holds (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      regime hold_regime not null,
      started_at timestamptz not null,
      extensions integer not null default 0 check (extensions between 0 and 10),
      last_extended_at timestamptz check (last_extended_at >= started_at),
      released_at timestamptz check (released_at >= started_at),
      release_reason hold_release_reason,
      created_by text not null,
      constraint holds_release_has_reason check ((released_at is null) = (release_reason is null)),
      constraint holds_extension_dated check ((extensions = 0) = (last_extended_at is null))
    )`.execute(db);
  await sql`create index preservation_holds_open_idx on preservation_holds (request_id) where released_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'preservation_holds',
    'production_overrides',
    'request_responses',
    'request_approvals',
    'emergency_records',
  ]) {
    await sql`drop table ${sql.id(t)}`.execute(db);
  }
  for (const name of Object.keys(enums)) await sql`drop type ${sql.id(name)}`.execute(db);
}
