import { sql, type Kysely } from 'kysely';

// Issue 17, item 4: reminder e-mails about due items. Each user chooses one e-mail per item, a daily digest or
// none (default: one per item). The outbox holds every reminder ever queued under a key that names it, so a
// reminder goes once however often the job runs and however many servers run it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create type reminder_mode as enum ('each', 'digest', 'off')`.execute(db);
  await sql`alter table users add column reminders reminder_mode not null default 'each'`.execute(db);
  await sql`create type reminder_status as enum ('queued', 'sending', 'sent', 'failed', 'possibly_sent')`.execute(
    db,
  );
  await sql`
    create table reminder_outbox (
      id bigint generated always as identity primary key,
      key text not null unique,
      user_id bigint not null references users (id),
      request_id bigint references requests (id),
      subject text not null,
      body text not null,
      message_id text not null unique,
      status reminder_status not null default 'queued',
      attempts integer not null default 0 check (attempts >= 0),
      claimed_until timestamptz,
      created_at timestamptz not null,
      sent_at timestamptz,
      last_error text
    )`.execute(db);
  await sql`create index reminder_outbox_open_idx on reminder_outbox (id) where status in ('queued', 'sending')`.execute(
    db,
  );
  await sql`create index reminder_outbox_user_idx on reminder_outbox (user_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table reminder_outbox`.execute(db);
  await sql`drop type reminder_status`.execute(db);
  await sql`alter table users drop column reminders`.execute(db);
  await sql`drop type reminder_mode`.execute(db);
}
