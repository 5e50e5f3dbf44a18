import { sql, type Kysely } from 'kysely';

/**
 * Frozen report versions. A version is immutable once stored: corrections are new versions (N+1) carrying
 * a changelog entry, and the database refuses UPDATE and DELETE, like the audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_versions (
      id bigint generated always as identity primary key,
      period text not null
        check (period ~ '^([0-9]{4}(-H[12])?|[0-9]{4}-[0-9]{2}-[0-9]{2}\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})$'),
      number integer not null check (number >= 1),
      frozen_at timestamptz not null,
      audit_head text check (audit_head ~ '^[0-9a-f]{64}$'),
      data jsonb not null check (jsonb_typeof(data) = 'object'),
      file_hashes jsonb not null check (jsonb_typeof(file_hashes) = 'object'),
      -- The changelog entry of a correction (DSA Annex II: what, why, method, date); version 1 has none.
      change_what text check (length(btrim(change_what)) > 0),
      change_why text check (length(btrim(change_why)) > 0),
      change_method text check (length(btrim(change_method)) > 0),
      change_date date,
      unique (period, number),
      constraint report_versions_correction_explained check (
        (number = 1 and change_what is null and change_why is null and change_method is null and change_date is null)
        or (number > 1 and change_what is not null and change_why is not null
            and change_method is not null and change_date is not null))
    )`.execute(db);
  await sql`
    create function report_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'report_versions are immutable (% refused)', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger report_versions_no_update before update or delete on report_versions
    for each row execute function report_versions_immutable()`.execute(db);
  await sql`
    create trigger report_versions_no_truncate before truncate on report_versions
    for each statement execute function report_versions_immutable()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('report versions cannot be reverted: they are a public record');
}
