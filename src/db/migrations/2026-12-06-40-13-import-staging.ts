import { sql, type Kysely } from 'kysely';

// Imports in short transactions (issue 13.7). On the embedded engine one session serves everyone, so an import
// of 200,000 rows in one transaction kept every API call waiting for its whole run. An import now writes its
// validated rows, a few thousand per short transaction, into a staging table keyed by the import; nothing
// reads that table but the importer, so no report, view or search can see a half-imported file. One final
// transaction moves the import into `requests` and its child tables with one set-based INSERT ... SELECT: every
// reader sees all of the import or none of it. A failed or interrupted import leaves only staging rows, which
// the next import (or, on the embedded engine, the next start) deletes.
//
// The staged columns are typed like the real ones (the database parses each value once, when it is staged)
// but nullable: after the first bad row the importer stages only `external_ref` and `line`, to find repeated
// refs in the rest of the file; such an import is never published. The agency is staged by its identity, and
// looked up or created at publication, so a failed import leaves no agency behind either.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_batches (
      id bigint generated always as identity primary key,
      file text not null,
      actor text not null,
      started_at timestamptz not null default now(),
      -- moved on by every staging transaction: an import not touched for a while is abandoned
      touched_at timestamptz not null default now(),
      -- set by the transaction that publishes it; its staged rows are then only left to delete
      published_at timestamptz
    )`.execute(db);
  await sql`
    create table import_staged_requests (
      import_id bigint not null references import_batches (id) on delete cascade,
      external_ref text not null,
      line integer not null,
      received_at timestamptz,
      delivered_via delivery_method,
      agency_name text,
      agency_kind agency_kind,
      agency_level agency_level,
      agency_country text,
      agency_subdivision text,
      issuer text,
      requester_class requester_class,
      channel channel,
      process_type process_type,
      legal_authority text,
      case_class case_class,
      emergency boolean,
      emergency_basis text,
      demand_kind demand_kind,
      data_sought data_sought[],
      items_of_information integer,
      dsa_category text,
      acknowledged_at timestamptz,
      effect_given_at timestamptz,
      status request_status,
      outcome outcome,
      responded_at timestamptz,
      notice_status notice_status,
      data_location text,
      notes text,
      target_us_person boolean,
      restricted boolean,
      identifier_kind identifier_kind,
      -- [{ identifier, account_ref, result }]
      targets jsonb,
      ndo_authority ndo_authority,
      ndo_issuing_court text,
      ndo_issued_at timestamptz,
      ndo_expires_at timestamptz,
      ndo_ground ndo_ground,
      override_rules text[],
      override_findings text[],
      override_reason text,
      -- the import's ledger of refs: a repeated one is found, with its first line, by this key
      primary key (import_id, external_ref)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table import_staged_requests`.execute(db);
  await sql`drop table import_batches`.execute(db);
}
