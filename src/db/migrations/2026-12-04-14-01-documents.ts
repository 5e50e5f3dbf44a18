import { sql, type Kysely } from 'kysely';

// Documents and productions (issue 14). A document row holds what is known about a file — its name (as
// data), type, size, SHA-256 — and its data key, wrapped by the master key. The bytes live encrypted in the
// blob store (a folder or S3) under a random name. Removing a document (deletion, retention purge) clears
// the wrapped key: the blob can never be decrypted again, wherever copies of it are (crypto-shredding).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create type document_kind as enum ('legal_process', 'correspondence', 'production', 'certificate', 'other')`.execute(
    db,
  );
  await sql`
    create table documents (
      id bigint generated always as identity primary key,
      -- null while uploaded on the new-request page and not yet attached to the request it starts
      request_id bigint references requests (id),
      kind document_kind not null,
      name text not null check (length(name) between 1 and 255),
      media_type text not null check (length(media_type) between 1 and 200),
      size_bytes bigint not null check (size_bytes >= 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      blob_key text not null unique check (blob_key ~ '^[0-9a-f]{32}$'),
      wrapped_key text,
      key_id text check (key_id ~ '^[0-9a-f]{16}$'),
      text_status text not null check (text_status in ('none', 'extracted', 'failed', 'skipped')),
      text_sealed text,
      text_note text check (length(text_note) <= 500),
      uploaded_by text not null,
      uploaded_by_user_id bigint references users (id),
      uploaded_at timestamptz not null,
      legal_hold boolean not null default false,
      removed_at timestamptz,
      removed_by text,
      removal_reason text check (length(removal_reason) <= 1000),
      constraint documents_live_have_a_key check ((removed_at is null) = (wrapped_key is not null)),
      constraint documents_removed_have_no_text check (removed_at is null or text_sealed is null)
    )`.execute(db);
  await sql`create index documents_request_idx on documents (request_id, id)`.execute(db);
  await sql`create index documents_key_idx on documents (key_id) where wrapped_key is not null`.execute(db);
  await sql`create index documents_pending_idx on documents (uploaded_at) where request_id is null and removed_at is null`.execute(
    db,
  );

  await sql`
    create table productions (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id),
      number integer not null check (number >= 1),
      produced_at timestamptz not null,
      produced_by text not null,
      accounts text[] not null,
      data_categories data_sought[] not null,
      -- the exact bytes of manifest.json, and their SHA-256 (also in the audit chain)
      manifest text not null,
      manifest_sha256 text not null check (manifest_sha256 ~ '^[0-9a-f]{64}$'),
      certification text,
      certification_sha256 text check (certification_sha256 ~ '^[0-9a-f]{64}$'),
      unique (request_id, number)
    )`.execute(db);
  await sql`
    create table production_files (
      production_id bigint not null references productions (id),
      document_id bigint not null references documents (id),
      position integer not null,
      primary key (production_id, document_id),
      unique (production_id, position)
    )`.execute(db);
  await sql`create index production_files_document_idx on production_files (document_id)`.execute(db);

  // The business-records certification an admin edits; the newest version is the one in use.
  await sql`
    create table certification_templates (
      id bigint generated always as identity primary key,
      body text not null check (length(body) between 1 and 20000),
      version integer not null unique,
      updated_by text not null,
      updated_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table certification_templates`.execute(db);
  await sql`drop table production_files`.execute(db);
  await sql`drop table productions`.execute(db);
  await sql`drop table documents`.execute(db);
  await sql`drop type document_kind`.execute(db);
}
