import { sql, type Kysely } from 'kysely';

// The bytes of every file a version was frozen with (report.txt ... report.pdf, the DSA files). A frozen
// version used to be kept as its data and the hashes of its files, and rendered again when asked for: a later
// renderer (a new PDF layout, a new section) would then no longer produce the frozen bytes, and an old version
// could neither be shown nor published. Now the files themselves are kept, as immutable as the version.
// Versions frozen before this migration have none here and are rendered again, checked against their hashes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_version_files (
      version_id bigint not null references report_versions (id),
      name text not null check (name ~ '^[a-z0-9_/.-]+$'),
      bytes bytea not null,
      primary key (version_id, name)
    )`.execute(db);
  await sql`
    create trigger report_version_files_no_update before update or delete on report_version_files
    for each row execute function report_versions_immutable()`.execute(db);
  await sql`
    create trigger report_version_files_no_truncate before truncate on report_version_files
    for each statement execute function report_versions_immutable()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('report version files cannot be reverted: they are a public record');
}
