import { sql, type Kysely } from 'kysely';

// Customer notices: contacts per account, admin-editable templates, and the outbox the worker sends from.
// Migrations never import app code: the placeholders and default texts are spelled out here as they stood
// when this migration was written (src/domain/notice-template.ts holds the same placeholder list).

const EMAIL = `'^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'`;
const LANGUAGE = `'^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`;

const footer = `

You can contact us about this request at the address this message came
from. This notice was generated from our records of the request; it
contains no other information.

{{provider}}`;

const templates: Array<[kind: string, subject: string, body: string]> = [
  [
    'before_disclosure',
    'A government request for information about your account {{account}}',
    `Hello,

{{provider}} received a legal request for information about your account
{{account}}.

  From:      {{agency}}
  Process:   {{process_type}}
  Received:  {{received_date}}

We have not disclosed anything yet. We are telling you now so that you
can seek legal advice or ask a court to quash or narrow the request
before we must respond. If we do not hear that you have done so, we will
answer the request as the law requires.${footer}`,
  ],
  [
    'after_disclosure',
    'We responded to a government request concerning your account {{account}}',
    `Hello,

{{provider}} received a legal request for information about your account
{{account}}, and responded to it.

  From:      {{agency}}
  Process:   {{process_type}}
  Received:  {{received_date}}
  Disclosed: {{produced}}

Our policy is to tell our customers about requests for their information
whenever the law does not forbid it.${footer}`,
  ],
  [
    'after_order_expired',
    'A government request concerning your account {{account}} (notice delayed by a court order)',
    `Hello,

{{provider}} received a legal request for information about your account
{{account}}. A court order prohibited us from telling you about it; that
order has now expired or been lifted, so we are telling you at the first
moment the law allows.

  From:      {{agency}}
  Process:   {{process_type}}
  Received:  {{received_date}}
  Disclosed: {{produced}}${footer}`,
  ],
  [
    'after_emergency_passed',
    'An emergency request concerning your account {{account}}',
    `Hello,

{{provider}} received an emergency request for information about your
account {{account}}. The requester stated that an emergency involving
danger of death or serious physical injury required disclosure without
delay. We waited until the emergency had passed before telling you.

  From:      {{agency}}
  Process:   {{process_type}}
  Received:  {{received_date}}
  Disclosed: {{produced}}${footer}`,
  ],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create type notice_kind as enum ('before_disclosure', 'after_disclosure', 'after_order_expired', 'after_emergency_passed')`.execute(
    db,
  );
  await sql`create type notice_outbox_status as enum ('queued', 'sending', 'sent', 'failed', 'cancelled')`.execute(
    db,
  );

  await sql`
    create table customer_contacts (
      id bigint generated always as identity primary key,
      account_ref text not null unique check (length(btrim(account_ref)) between 1 and 200),
      email text not null check (length(email) <= 320 and email ~ ${sql.raw(EMAIL)}),
      name text check (length(btrim(name)) between 1 and 200),
      language text not null default 'en' check (language ~ ${sql.raw(LANGUAGE)}),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table notice_templates (
      id bigint generated always as identity primary key,
      kind notice_kind not null,
      language text not null check (language ~ ${sql.raw(LANGUAGE)}),
      subject text not null check (length(btrim(subject)) between 1 and 300 and subject !~ '[[:cntrl:]]'),
      body text not null check (length(btrim(body)) between 1 and 20000),
      version integer not null default 1 check (version >= 1),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      unique (kind, language)
    )`.execute(db);
  for (const [kind, subject, body] of templates) {
    await sql`
      insert into notice_templates (kind, language, subject, body, updated_by)
      values (${sql.lit(kind)}::notice_kind, 'en', ${sql.lit(subject)}, ${sql.lit(body)}, 'migration')`.execute(
      db,
    );
  }

  await sql`
    create table notice_outbox (
      id bigint generated always as identity primary key,
      request_id bigint not null references requests (id) on delete cascade,
      account_ref text not null check (length(btrim(account_ref)) between 1 and 200),
      to_email text not null check (length(to_email) <= 320 and to_email ~ ${sql.raw(EMAIL)}),
      kind notice_kind not null,
      subject text not null check (length(btrim(subject)) between 1 and 300 and subject !~ '[[:cntrl:]]'),
      body text not null check (length(body) between 1 and 40000),
      message_id text not null unique check (message_id ~ '^<[^<>@[:space:]]+@[^<>@[:space:]]+>$'),
      status notice_outbox_status not null default 'queued',
      attempts integer not null default 0 check (attempts >= 0),
      next_attempt_at timestamptz not null,
      last_error text,
      claimed_by text,
      claimed_at timestamptz,
      sent_at timestamptz,
      created_at timestamptz not null,
      -- the idempotency key: one notice of a kind per account of a request, however often it is queued
      constraint notice_outbox_once unique (request_id, account_ref, kind),
      constraint notice_outbox_sent_has_time check ((status = 'sent') = (sent_at is not null)),
      constraint notice_outbox_sending_is_claimed check (
        status <> 'sending' or (claimed_by is not null and claimed_at is not null)),
      constraint notice_outbox_failed_has_error check (status <> 'failed' or last_error is not null),
      constraint notice_outbox_sent_was_attempted check (status <> 'sent' or attempts >= 1)
    )`.execute(db);
  await sql`create index notice_outbox_due_idx on notice_outbox (next_attempt_at, id) where status = 'queued'`.execute(
    db,
  );
  await sql`create index notice_outbox_lease_idx on notice_outbox (claimed_at, id) where status = 'sending'`.execute(
    db,
  );
  await sql`create index notice_outbox_failed_idx on notice_outbox (id) where status = 'failed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table notice_outbox`.execute(db);
  await sql`drop table notice_templates`.execute(db);
  await sql`drop table customer_contacts`.execute(db);
  await sql`drop type notice_outbox_status`.execute(db);
  await sql`drop type notice_kind`.execute(db);
}
