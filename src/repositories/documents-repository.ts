import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { DocumentRow, DocumentsTable, DocumentTextStatus } from '../db/schema.ts';
import type { Insertable } from 'kysely';
import type { DocumentKind, RequestStatus } from '../domain/vocabulary.ts';

export type NewDocument = Insertable<DocumentsTable>;

export async function insertDocument(trx: Db, row: NewDocument): Promise<number> {
  const r = await trx.insertInto('documents').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export function findDocument(db: Db, id: number): Promise<DocumentRow | undefined> {
  return db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks one document row for a change (deletion, hold, re-wrap). */
export function lockDocument(trx: Db, id: number): Promise<DocumentRow | undefined> {
  return trx.selectFrom('documents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The documents of a request, oldest first, removed ones included (they stay as tombstones). */
export function documentsOf(db: Db, requestId: number): Promise<DocumentRow[]> {
  return db.selectFrom('documents').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}

/** Attaches documents uploaded before their request existed; only the uploader's own, still unattached ones. */
export async function attachDocuments(
  trx: Db,
  ids: readonly number[],
  requestId: number,
  userId: number | null,
): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  let q = trx
    .updateTable('documents')
    .set({ request_id: requestId })
    .where('id', 'in', [...ids])
    .where('request_id', 'is', null)
    .where('removed_at', 'is', null);
  q =
    userId === null
      ? q.where('uploaded_by_user_id', 'is', null)
      : q.where('uploaded_by_user_id', '=', userId);
  return q.returningAll().execute();
}

/** Clears the data key (crypto-shredding) and the sealed text, and records why. */
export async function removeDocument(
  trx: Db,
  id: number,
  r: { at: Date; by: string; reason: string },
): Promise<boolean> {
  const res = await trx
    .updateTable('documents')
    .set({
      wrapped_key: null,
      key_id: null,
      text_sealed: null,
      removed_at: r.at,
      removed_by: r.by,
      removal_reason: r.reason,
    })
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setLegalHold(trx: Db, id: number, hold: boolean): Promise<void> {
  await trx.updateTable('documents').set({ legal_hold: hold }).where('id', '=', id).execute();
}

export async function setText(
  trx: Db,
  id: number,
  t: { status: DocumentTextStatus; sealed: string | null; note: string | null },
): Promise<void> {
  await trx
    .updateTable('documents')
    .set({ text_status: t.status, text_sealed: t.sealed, text_note: t.note })
    .where('id', '=', id)
    .execute();
}

/** Live documents whose data key is wrapped by another master key than `currentKeyId`, a batch at a time. */
export function documentsToRewrap(db: Db, currentKeyId: string, limit: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'blob_key', 'wrapped_key', 'key_id'])
    .where('wrapped_key', 'is not', null)
    .where('key_id', '!=', currentKeyId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Replaces a wrapped key, only if it is still the one read (a concurrent rotation or purge wins). */
export async function replaceWrappedKey(
  trx: Db,
  id: number,
  from: string,
  to: { wrapped: string; keyId: string },
): Promise<boolean> {
  const res = await trx
    .updateTable('documents')
    .set({ wrapped_key: to.wrapped, key_id: to.keyId })
    .where('id', '=', id)
    .where('wrapped_key', '=', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Which of these blob names belong to a live document (everything else in the store is garbage). */
export async function liveBlobKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents')
    .select('blob_key')
    .where('blob_key', 'in', [...keys])
    .where('removed_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.blob_key));
}

export interface RetentionRow {
  id: number;
  request_id: number | null;
  kind: DocumentKind;
  name: string;
  sha256: string;
  size_bytes: number;
  blob_key: string;
  legal_hold: boolean;
  uploaded_at: Date;
  request_status: RequestStatus | null;
  request_changed_at: Date | null;
}

/** Every live document with what retention needs to know about it and its request, a page at a time. */
export async function* retentionPages(db: Db, pageSize = 1000): AsyncGenerator<RetentionRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('documents as d')
      .leftJoin('requests as r', 'r.id', 'd.request_id')
      .select([
        'd.id',
        'd.request_id',
        'd.kind',
        'd.name',
        'd.sha256',
        'd.size_bytes',
        'd.blob_key',
        'd.legal_hold',
        'd.uploaded_at',
        'r.status as request_status',
        'r.updated_at as request_changed_at',
      ])
      .where('d.removed_at', 'is', null)
      .where('d.id', '>', after)
      .orderBy('d.id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

/** Every live document, a page at a time (for `candor documents verify`). */
export async function* livePages(db: Db, pageSize = 500): AsyncGenerator<DocumentRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('documents')
      .selectAll()
      .where('removed_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

/** Serialises productions of one request (their numbers) without locking the request row. */
export async function lockRequestDocuments(trx: Db, requestId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(7310414, ${requestId}::int)`.execute(trx);
}
