import { sql, type Kysely } from 'kysely';

// The hot write path (request intake) no longer holds the audit chain's lock until its commit. It writes its
// event here, in its own transaction and without any lock; a sequencer then moves committed events into the
// chain (`audit_events`) under the lock, a batch at a time, in the order it finds them committed (see
// src/repositories/audit-repository.ts sealPending). Rows live here for milliseconds, or until the next seal
// after a crash; nothing but the sequencer deletes them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_pending (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      entity text not null,
      entity_id text,
      before jsonb,
      after jsonb
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_pending`.execute(db);
}
