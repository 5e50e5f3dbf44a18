import { sql, type Kysely } from 'kysely';

// Status e-mails to officers (issue 15): a sender claims a submission's e-mail for a short lease before it
// talks to the SMTP server, and records the status as told only after the server accepted the message. A
// sender that dies mid-send leaves the claim to expire; the next round sends again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table portal_submissions add column notify_claimed_until timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table portal_submissions drop column notify_claimed_until`.execute(db);
}
