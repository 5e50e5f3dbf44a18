import { sql, type Kysely } from 'kysely';

// Migrations never import application code: the vocabularies are spelled out here as they stood when this
// migration was written. test/db/vocabulary.test.ts checks they still equal src/domain/vocabulary.ts.

const enums: Record<string, string[]> = {
  process_type: [
    'civil_investigative_demand',
    'court_order',
    'court_order_2703d',
    'grand_jury_subpoena',
    'subpoena',
    'administrative_subpoena',
    'civil_subpoena',
    'search_warrant',
    'wiretap_order',
    'pen_register_order',
    'police_force_order',
    'emergency_request',
    'preservation_request',
    'takedown_request',
    'national_security_letter',
    'fisa_content_order',
    'fisa_non_content_order',
    'mlat_request',
    'other',
  ],
  outcome: [
    'rejected',
    'withdrawn',
    'withdrawn_after_notice_policy',
    'no_data',
    'non_content_produced',
    'content_produced',
    'preserved',
    'content_restricted',
    'no_action',
  ],
  notice_status: [
    'pending',
    'sent',
    'prohibited_by_order',
    'delayed_emergency',
    'not_possible',
    'not_applicable',
  ],
  data_sought: ['basic_subscriber', 'non_content', 'content'],
  agency_kind: ['law_enforcement', 'court', 'regulator', 'intelligence', 'other'],
  agency_level: ['federal', 'state', 'provincial', 'local', 'municipal', 'national', 'supranational'],
  request_status: ['received', 'in_review', 'awaiting_information', 'responded', 'closed'],
  channel: [
    'domestic',
    'mlat',
    'letter_rogatory',
    'executive_agreement',
    'eu_e_evidence',
    'dsa_art_9',
    'dsa_art_10',
  ],
  delivery_method: ['portal', 'email', 'mail', 'fax', 'in_person', 'api'],
  ndo_authority: ['sca_2705b', 'nsl_2709c', 'fisa', 'foreign', 'other'],
  requester_class: ['government', 'civil_litigant'],
  case_class: ['criminal', 'civil', 'national_security', 'regulatory'],
  demand_kind: ['disclose', 'preserve', 'restrict_content', 'restrict_account'],
  account_result: ['produced', 'preserved', 'restricted', 'no_data', 'not_produced'],
  ndo_ground: ['endanger_life', 'flight', 'evidence', 'witnesses', 'jeopardize', 'other'],
  user_role: ['viewer', 'handler', 'approver', 'publisher', 'admin'],
};

// Too long for enum labels (63 bytes): a CHECK constraint instead.
const dsaCategories = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, values] of Object.entries(enums)) {
    await sql`create type ${sql.id(name)} as enum (${sql.join(values.map((v) => sql.lit(v)))})`.execute(db);
  }

  // For small arrays of enum values on low-volume tables (a subquery per row: not for the requests table).
  await sql`
    create function no_duplicates(anyarray) returns boolean language sql immutable as
    'select count(*) = count(distinct x) from unnest($1) as x'`.execute(db);

  await sql`
    create table users (
      id bigint generated always as identity primary key,
      email text not null check (email ~ '^[^@\\s]+@[^@\\s]+$'),
      role user_role not null,
      password_hash text,
      totp_secret text,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await sql`
    create table api_tokens (
      id bigint generated always as identity primary key,
      user_id bigint not null references users (id),
      token_hash text not null unique check (length(token_hash) = 64),
      label text,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table agencies (
      id bigint generated always as identity primary key,
      name text not null check (length(btrim(name)) between 1 and 300),
      kind agency_kind not null,
      level agency_level not null,
      country char(2) not null check (country ~ '^[A-Z]{2}$'),
      subdivision text check (subdivision ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$' and left(subdivision, 2) = country),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index agencies_identity_key on agencies (name, kind, level, country, coalesce(subdivision, ''))`.execute(
    db,
  );
  await sql`create index agencies_name_idx on agencies (lower(name) text_pattern_ops)`.execute(db);

  await sql`
    create table requests (
      id bigint generated always as identity primary key,
      external_ref text not null unique check (length(btrim(external_ref)) between 1 and 200),
      received_at timestamptz not null check (received_at > '1970-01-01'),
      delivered_via delivery_method,
      agency_id bigint not null references agencies (id),
      issuer text,
      requester_class requester_class not null default 'government',
      channel channel not null default 'domestic',
      process_type process_type not null,
      legal_authority text,
      case_class case_class,
      emergency boolean not null default false,
      emergency_basis text,
      demand_kind demand_kind not null,
      data_sought data_sought[] not null default '{}',
      items_of_information integer check (items_of_information >= 0),
      dsa_category text check (dsa_category in (${sql.join(dsaCategories.map((c) => sql.lit(c)))})),
      acknowledged_at timestamptz check (acknowledged_at >= received_at),
      effect_given_at timestamptz check (effect_given_at >= received_at),
      status request_status not null default 'received',
      outcome outcome,
      responded_at timestamptz check (responded_at >= received_at),
      notice_status notice_status not null default 'pending',
      data_location char(2) check (data_location ~ '^[A-Z]{2}$'),
      notes text,
      assigned_to bigint references users (id),
      version integer not null default 1 check (version >= 1),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- a request has an outcome exactly when it has been answered
      constraint requests_outcome_matches_status check ((outcome is not null) = (status in ('responded', 'closed'))),
      constraint requests_responded_has_outcome check (responded_at is null or outcome is not null),
      constraint requests_sent_notice_needs_outcome check (notice_status <> 'sent' or outcome is not null),
      constraint requests_emergency_type check (process_type <> 'emergency_request' or emergency),
      constraint requests_no_duplicate_data_sought check (
        -- at most the three categories, none twice (written out: a subquery per row would halve import speed)
        cardinality(data_sought) <= 3
        and (cardinality(data_sought) < 2 or data_sought[1] <> data_sought[2])
        and (cardinality(data_sought) < 3 or (data_sought[3] <> data_sought[1] and data_sought[3] <> data_sought[2]))
      )
    )`.execute(db);
  // Keyset pagination and report scans both walk received_at.
  await sql`create index requests_received_idx on requests (received_at, id)`.execute(db);
  await sql`create index requests_status_idx on requests (status, received_at, id)`.execute(db);
  await sql`create index requests_agency_idx on requests (agency_id)`.execute(db);

  await sql`
    create table request_targets (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      identifier text not null check (length(btrim(identifier)) between 1 and 500),
      account_ref text check (length(btrim(account_ref)) between 1 and 200),
      result account_result,
      unique (request_id, identifier)
    )`.execute(db);
  await sql`create index request_targets_account_idx on request_targets (account_ref)`.execute(db);

  await sql`
    create table nondisclosure_orders (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      authority ndo_authority not null,
      issuing_court text,
      issued_at timestamptz,
      expires_at timestamptz,
      indefinite boolean not null default false,
      ground ndo_ground,
      lifted_at timestamptz,
      review_requested_at timestamptz,
      created_at timestamptz not null default now(),
      -- an order either expires or is indefinite, never both and never neither
      constraint ndo_expiry_or_indefinite check ((expires_at is null) = indefinite),
      constraint ndo_expires_after_issue check (expires_at is null or issued_at is null or expires_at >= issued_at),
      constraint ndo_lifted_after_issue check (lifted_at is null or issued_at is null or lifted_at >= issued_at)
    )`.execute(db);
  await sql`create index nondisclosure_orders_request_idx on nondisclosure_orders (request_id)`.execute(db);

  await sql`
    create table audit_events (
      seq bigint primary key check (seq >= 1),
      at timestamptz not null,
      actor text not null,
      action text not null,
      entity text not null,
      entity_id text,
      before jsonb,
      after jsonb,
      prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text not null unique check (hash ~ '^[0-9a-f]{64}$')
    )`.execute(db);
  await sql`create index audit_events_entity_idx on audit_events (entity, entity_id, seq)`.execute(db);
  // The log is append-only: no code path updates or deletes an event, and the database refuses it too.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_no_update before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the foundation migration cannot be reverted');
}
