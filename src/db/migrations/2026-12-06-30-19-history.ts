import { sql, type Kysely } from 'kysely';

// History as providers published it (issue 19.6) and the kind of identifier a request names (issue 16.2).
// - outcome, notice_status and agency_level get `not_recorded`: an imported past period says what its source
//   did not record instead of reading as "pending" or as the "Other" level;
// - account_result gets `deleted` beside `restricted`, so reports tell account deletion from restriction;
// - requests.identifier_kind: the kind of identifier the request specifies (null = not recorded).
// The values are written out here (migrations never import app code); test/db/vocabulary.test.ts checks them
// against src/domain/vocabulary.ts, in order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter type outcome add value if not exists 'not_recorded'`.execute(db);
  await sql`alter type notice_status add value if not exists 'not_recorded'`.execute(db);
  await sql`alter type agency_level add value if not exists 'not_recorded'`.execute(db);
  await sql`alter type account_result add value if not exists 'deleted' after 'restricted'`.execute(db);
  await sql`
    create type identifier_kind as enum (
      'account', 'email', 'phone', 'device', 'ip_address', 'financial', 'push_token', 'url', 'other')`.execute(
    db,
  );
  await sql`alter table requests add column identifier_kind identifier_kind`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table requests drop column identifier_kind`.execute(db);
  await sql`drop type identifier_kind`.execute(db);
  // PostgreSQL cannot drop an enum value; the `not_recorded` and `deleted` values stay, unused.
}
