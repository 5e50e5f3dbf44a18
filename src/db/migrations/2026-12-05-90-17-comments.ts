import { sql, type Kysely } from 'kysely';

// Issue 17, item 5: comments and correspondence. An internal comment thread per request, and a log of the
// correspondence with the agency. Both are a legal record: a row is never changed or deleted once written (a
// correction is a new comment or entry), and the database refuses it too, as it does for the audit log. A
// request's rows are not deleted with it (no cascade), like its documents.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create type correspondence_direction as enum ('sent', 'received')`.execute(db);
  await sql`
    create type correspondence_channel as enum ('email', 'letter', 'portal', 'phone', 'fax', 'in_person')`.execute(
    db,
  );
  await sql`
    create table request_comments (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id),
      author text not null check (length(author) between 1 and 500),
      author_user_id bigint references users (id),
      body text not null check (length(body) between 1 and 10000),
      -- Who was mentioned and what became of it (notified, or why not), decided when the comment was posted.
      mentions jsonb not null default '[]' check (jsonb_typeof(mentions) = 'array'),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index request_comments_request_idx on request_comments (request_id, id)`.execute(db);
  await sql`
    create table request_correspondence (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id),
      direction correspondence_direction not null,
      occurred_at timestamptz not null,
      channel correspondence_channel not null,
      counterpart text not null check (length(counterpart) between 1 and 500),
      summary text not null check (length(summary) between 1 and 10000),
      document_id bigint references documents (id),
      recorded_by text not null check (length(recorded_by) between 1 and 500),
      recorded_by_user_id bigint references users (id),
      recorded_at timestamptz not null
    )`.execute(db);
  await sql`
    create index request_correspondence_request_idx on request_correspondence (request_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`
    create function request_record_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only (% refused): post a correction instead', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  for (const table of ['request_comments', 'request_correspondence'])
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.raw(table)}
      for each row execute function request_record_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table request_correspondence`.execute(db);
  await sql`drop table request_comments`.execute(db);
  await sql`drop function request_record_append_only()`.execute(db);
  await sql`drop type correspondence_channel`.execute(db);
  await sql`drop type correspondence_direction`.execute(db);
}
