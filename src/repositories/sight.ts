import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Sight } from '../domain/restricted.ts';

/**
 * The one place a viewer's sight becomes SQL: every query that reads requests, or anything hanging off a
 * request, adds `visible(sight, <the request id column>)`. For a viewer without the restricted-matters grant a
 * restricted request does not exist: lists and counts leave it out, and reads by id find nothing (404).
 *
 * `requestId` is a column holding a request id (`r.id`, `d.request_id`, ...); a null request id (a document not
 * yet attached, an audit event of another entity) stays visible.
 */
export function visible(sight: Sight, requestId: string): Expression<SqlBool> {
  if (sight === 'all') return sql<SqlBool>`true`;
  return sql<SqlBool>`not exists (select 1 from requests rx where rx.id = ${sql.ref(requestId)} and rx.restricted)`;
}

/** The same, on the requests table itself (`alias` names it): cheaper than `visible` there. */
export function visibleRequest(sight: Sight, alias: string): Expression<SqlBool> {
  if (sight === 'all') return sql<SqlBool>`true`;
  return sql<SqlBool>`not ${sql.ref(`${alias}.restricted`)}`;
}

/**
 * An agency (its id in `agencyId`) is hidden when it appears only on restricted requests: its name alone would
 * reveal the matter (an intelligence service's unit that only ever sends national-security letters).
 */
export function visibleAgency(sight: Sight, agencyId: string): Expression<SqlBool> {
  if (sight === 'all') return sql<SqlBool>`true`;
  const id = sql.ref(agencyId);
  return sql<SqlBool>`(exists (select 1 from requests ra where ra.agency_id = ${id} and not ra.restricted)
    or not exists (select 1 from requests rb where rb.agency_id = ${id}))`;
}

/** The ids of every restricted request (few; a partial index holds them), for filtering kept views. */
export async function restrictedIds(db: Db): Promise<Set<number>> {
  const rows = await db.selectFrom('requests').select('id').where('restricted', '=', true).execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** Whether the viewer may see request `id` (false when it does not exist either: the two are not told apart). */
export async function seesRequest(db: Db, sight: Sight, id: number): Promise<boolean> {
  const row = await db.selectFrom('requests').select('restricted').where('id', '=', id).executeTakeFirst();
  return !!row && (sight === 'all' || !row.restricted);
}

/** Whether the user holds the restricted-matters grant. */
export async function hasGrant(db: Db, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('restricted_grants')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return !!row;
}

export interface GrantRow {
  user_id: number;
  email: string;
  granted_by: string;
  granted_at: Date;
  reason: string;
}

export async function listGrants(db: Db): Promise<GrantRow[]> {
  return db
    .selectFrom('restricted_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select(['g.user_id', 'u.email', 'g.granted_by', 'g.granted_at', 'g.reason'])
    .orderBy('g.user_id')
    .execute();
}

/** Grants; false when the user already held it. */
export async function insertGrant(
  db: Db,
  g: { user_id: number; granted_by: string; granted_at: Date; reason: string },
): Promise<boolean> {
  const r = await db
    .insertInto('restricted_grants')
    .values(g)
    .onConflict((oc) => oc.column('user_id').doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Revokes; false when the user held no grant. */
export async function deleteGrant(db: Db, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('restricted_grants').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
