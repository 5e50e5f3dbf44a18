import type { Insertable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type {
  RequestCommentRow,
  RequestCommentsTable,
  RequestCorrespondenceRow,
  RequestCorrespondenceTable,
  StoredMention,
} from '../db/schema.ts';
import type { ProcessType } from '../domain/vocabulary.ts';

/** What a comment's e-mails name of its request: reference, agency and process type, never an account. */
export interface ThreadRequest {
  id: number;
  external_ref: string;
  restricted: boolean;
  agency_name: string;
  process_type: ProcessType;
}

/**
 * The request a comment or entry is written on, locked against a concurrent change of its restriction until
 * the writing transaction ends (whoever is notified is decided on the flag as it stays).
 */
export async function lockThreadRequest(trx: Db, id: number): Promise<ThreadRequest | undefined> {
  const row = await trx
    .selectFrom('requests as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .select(['r.id', 'r.external_ref', 'r.restricted', 'a.name as agency_name', 'r.process_type'])
    .where('r.id', '=', id)
    .forShare('r')
    .executeTakeFirst();
  return row && { ...row, id: Number(row.id) };
}

/** Whether request `id` exists (the sight check says nothing of a request that does not). */
export async function requestExists(db: Db, id: number): Promise<boolean> {
  return !!(await db.selectFrom('requests').select('id').where('id', '=', id).executeTakeFirst());
}

/** A person a comment may mention: whether they are active and hold the restricted-matters grant. */
export interface MentionCandidate {
  id: number;
  email: string;
  disabled: boolean;
  granted: boolean;
}

/** The users with these addresses (compared lower-cased) or these ids. */
export async function mentionCandidates(
  db: Db,
  emails: readonly string[],
  ids: readonly number[],
): Promise<MentionCandidate[]> {
  if (emails.length === 0 && ids.length === 0) return [];
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('restricted_grants as g', 'g.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.disabled_at', 'g.user_id as granted'])
    .where((eb) =>
      eb.or([
        ...(emails.length ? [eb(eb.fn('lower', ['u.email']), 'in', [...emails])] : []),
        ...(ids.length ? [eb('u.id', 'in', [...ids])] : []),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    email: r.email,
    disabled: r.disabled_at !== null,
    granted: r.granted !== null,
  }));
}

/** Active users, by address: whom the web form offers to notify. */
export async function activeUsers(db: Db): Promise<Array<{ id: number; email: string }>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('disabled_at', 'is', null)
    .orderBy('email')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), email: r.email }));
}

export type NewComment = Omit<Insertable<RequestCommentsTable>, 'mentions'> & { mentions: StoredMention[] };

export async function insertComment(trx: Db, row: NewComment): Promise<RequestCommentRow> {
  return trx
    .insertInto('request_comments')
    .values({ ...row, mentions: JSON.stringify(row.mentions) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A request's comments, oldest first. */
export function commentsOf(db: Db, requestId: number): Promise<RequestCommentRow[]> {
  return db
    .selectFrom('request_comments')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
}

export async function insertCorrespondence(
  trx: Db,
  row: Insertable<RequestCorrespondenceTable>,
): Promise<RequestCorrespondenceRow> {
  return trx.insertInto('request_correspondence').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A request's correspondence, newest first (by when it was sent or received, then as recorded). */
export function correspondenceOf(db: Db, requestId: number): Promise<RequestCorrespondenceRow[]> {
  return db
    .selectFrom('request_correspondence')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
