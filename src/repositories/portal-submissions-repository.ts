import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type {
  PortalMessageRow,
  PortalReleaseRow,
  PortalSubmissionRow,
  PortalSubmissionsTable,
  SubmissionState,
} from '../db/schema-portal.ts';
import type { Outcome } from '../domain/vocabulary.ts';

/** Portal submissions, their message threads and released productions (docs/portal.md). */

export type SubmissionView = PortalSubmissionRow & { outcome: Outcome | null; external_ref: string | null };

const withRequest = (db: Db) =>
  db
    .selectFrom('portal_submissions as s')
    .leftJoin('requests as r', 'r.id', 's.request_id')
    .selectAll('s')
    .select(['r.outcome', 'r.external_ref']);

export async function firstSubmissionAt(db: Db, userId: number): Promise<Date | null> {
  const r = await db
    .selectFrom('portal_submissions')
    .select((eb) => eb.fn.min('submitted_at').as('first'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (r?.first as Date | null | undefined) ?? null;
}

export async function insertSubmission(db: Db, s: Insertable<PortalSubmissionsTable>): Promise<number> {
  const r = await db.insertInto('portal_submissions').values(s).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export function findSubmission(db: Db, id: number): Promise<SubmissionView | undefined> {
  return withRequest(db).where('s.id', '=', id).executeTakeFirst();
}

/** A submission of this officer only: another officer's id finds nothing (the portal's IDOR guard). */
export function findOwnSubmission(db: Db, id: number, userId: number): Promise<SubmissionView | undefined> {
  return withRequest(db).where('s.id', '=', id).where('s.user_id', '=', userId).executeTakeFirst();
}

export function lockSubmission(db: Db, id: number): Promise<PortalSubmissionRow | undefined> {
  return db.selectFrom('portal_submissions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function ownSubmissions(db: Db, userId: number): Promise<SubmissionView[]> {
  return withRequest(db).where('s.user_id', '=', userId).orderBy('s.id', 'desc').limit(500).execute();
}

export function queuedSubmissions(db: Db): Promise<SubmissionView[]> {
  return withRequest(db)
    .where('s.state', '=', 'received')
    .orderBy('s.emergency', 'desc')
    .orderBy('s.id')
    .execute();
}

export function submissionsOfRequest(db: Db, requestId: number): Promise<SubmissionView[]> {
  return withRequest(db).where('s.request_id', '=', requestId).orderBy('s.id').execute();
}

/** Submissions whose officer may not yet have been told of their current status (past `afterId`). */
export function submissionsToNotify(db: Db, afterId: number, limit: number): Promise<SubmissionView[]> {
  return withRequest(db)
    .where('s.id', '>', afterId)
    .where((eb) =>
      eb.or([
        eb('s.notified_status', 'is', null),
        eb('s.notified_status', 'not in', ['refused', 'withdrawn']),
      ]),
    )
    .orderBy('s.id')
    .limit(limit)
    .execute();
}

export async function updateSubmission(
  db: Db,
  id: number,
  set: Updateable<PortalSubmissionsTable>,
  fromStates?: readonly SubmissionState[],
): Promise<boolean> {
  let q = db.updateTable('portal_submissions').set(set).where('id', '=', id);
  if (fromStates) q = q.where('state', 'in', [...fromStates]);
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

/**
 * Claims the status e-mail of a submission until `until`, if the officer was last told `before` and no other
 * sender holds a live claim. Committed before the SMTP call, so two senders never both send it.
 */
export async function claimNotification(
  db: Db,
  id: number,
  before: string | null,
  now: Date,
  until: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('portal_submissions')
    .set({ notify_claimed_until: until })
    .where('id', '=', id)
    .where((eb) => (before === null ? eb('notified_status', 'is', null) : eb('notified_status', '=', before)))
    .where((eb) => eb.or([eb('notify_claimed_until', 'is', null), eb('notify_claimed_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Ends a claim: with `status`, records that the officer was told it (after the SMTP server accepted the
 * message); without, gives the claim up so the next round tries again.
 */
export async function finishNotification(db: Db, id: number, status?: string): Promise<void> {
  await db
    .updateTable('portal_submissions')
    .set(
      status === undefined
        ? { notify_claimed_until: null }
        : { notified_status: status, notify_claimed_until: null },
    )
    .where('id', '=', id)
    .execute();
}

export async function insertMessage(
  db: Db,
  m: { submission_id: number; sender: 'staff' | 'officer'; author: string; body: string; at: Date },
): Promise<number> {
  const r = await db.insertInto('portal_messages').values(m).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export function messagesOf(db: Db, submissionId: number): Promise<PortalMessageRow[]> {
  return db
    .selectFrom('portal_messages')
    .selectAll()
    .where('submission_id', '=', submissionId)
    .orderBy('id')
    .execute();
}

export async function insertRelease(
  db: Db,
  r: {
    submission_id: number;
    production_id: number;
    released_by: string;
    released_at: Date;
    expires_at: Date;
    max_downloads: number;
  },
): Promise<number> {
  const row = await db.insertInto('portal_releases').values(r).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export type ReleaseView = PortalReleaseRow & { number: number; request_id: number };

export function releasesOf(db: Db, submissionId: number): Promise<ReleaseView[]> {
  return db
    .selectFrom('portal_releases as l')
    .innerJoin('productions as p', 'p.id', 'l.production_id')
    .selectAll('l')
    .select(['p.number', 'p.request_id'])
    .where('l.submission_id', '=', submissionId)
    .orderBy('l.id')
    .execute();
}

export function releasesOfRequest(db: Db, requestId: number): Promise<ReleaseView[]> {
  return db
    .selectFrom('portal_releases as l')
    .innerJoin('productions as p', 'p.id', 'l.production_id')
    .selectAll('l')
    .select(['p.number', 'p.request_id'])
    .where('p.request_id', '=', requestId)
    .orderBy('l.id')
    .execute();
}

export function findRelease(db: Db, id: number): Promise<PortalReleaseRow | undefined> {
  return db.selectFrom('portal_releases').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Counts one download of a release of this officer's submission, in one statement that checks and counts:
 * nothing when it is not theirs, revoked, expired or used up. Parallel downloads never pass the limit.
 */
export async function claimDownload(
  db: Db,
  id: number,
  userId: number,
  now: Date,
): Promise<PortalReleaseRow | undefined> {
  return db
    .updateTable('portal_releases as l')
    .set((eb) => ({ downloads: eb('l.downloads', '+', 1) }))
    .from('portal_submissions as s')
    .whereRef('s.id', '=', 'l.submission_id')
    .where('s.user_id', '=', userId)
    .where('l.id', '=', id)
    .where('l.revoked_at', 'is', null)
    .where('l.expires_at', '>', now)
    .whereRef('l.downloads', '<', 'l.max_downloads')
    .returningAll('l')
    .executeTakeFirst();
}

export async function revokeRelease(db: Db, id: number, by: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('portal_releases')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
