import { sql, type Kysely } from 'kysely';

// Notices exactly once, or say why not (issue 13, item 10): the worker records "delivery in progress"
// (delivery_started_at) before it opens the SMTP session; a row a dead worker left in progress is never sent
// again by itself but becomes `possibly_sent`, for a person to check and mark sent or queue again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter type notice_outbox_status add value if not exists 'possibly_sent'`.execute(db);
  await sql`alter table notice_outbox add column delivery_started_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table notice_outbox drop column delivery_started_at`.execute(db);
  // PostgreSQL cannot drop an enum value; `possibly_sent` stays, unused.
}
