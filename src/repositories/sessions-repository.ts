import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { SessionRow, UserRow } from '../db/schema.ts';

export type NewSession = Omit<SessionRow, 'revoked_at' | 'method'> & { method: 'password' | 'oidc' };

/** The key of the admin setting "every local account must have a second factor". */
export const REQUIRE_SECOND_FACTOR = 'require_second_factor';

export async function insertSession(db: Db, s: NewSession): Promise<void> {
  await db.insertInto('sessions').values(s).execute();
}

/**
 * A live (not revoked) session with its user, and whether the instance requires a second factor of local
 * accounts (read in the same statement, so every server sees an admin's change at once). Expiry is the
 * caller's rule, not the query's.
 */
export async function findLiveSession(
  db: Db,
  idHash: string,
): Promise<{ session: SessionRow; user: UserRow; requireSecondFactor: boolean } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select([
      'u.email',
      'u.role',
      'u.password_hash',
      'u.totp_secret',
      'u.totp_last_step',
      'u.created_at as user_created_at',
      'u.disabled_at',
      'u.locked_until',
      'u.oidc_issuer',
      'u.oidc_subject',
      'u.reminders',
    ])
    .select((eb) =>
      eb
        .selectFrom('settings')
        .select('value')
        .where('key', '=', REQUIRE_SECOND_FACTOR)
        .as('require_second_factor'),
    )
    .where('s.id_hash', '=', idHash)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const {
    email,
    role,
    password_hash,
    totp_secret,
    totp_last_step,
    user_created_at,
    disabled_at,
    locked_until,
    oidc_issuer,
    oidc_subject,
    reminders,
    require_second_factor,
    ...session
  } = row;
  return {
    session,
    requireSecondFactor: require_second_factor === true,
    user: {
      id: session.user_id,
      email,
      role,
      password_hash,
      totp_secret,
      totp_last_step,
      created_at: user_created_at,
      disabled_at,
      locked_until,
      oidc_issuer,
      oidc_subject,
      reminders,
    },
  };
}

export async function touchSession(db: Db, idHash: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function revokeSession(db: Db, idHash: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Revokes every live session of a user; returns how many. */
export async function revokeUserSessions(db: Db, userId: number, at: Date): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Live sessions per user (for the admin page). */
export async function liveSessionCounts(db: Db, now: Date): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('stage', '=', 'signed_in')
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.user_id), Number(r.n)]));
}

export async function insertSetupToken(
  db: Db,
  t: { token_hash: string; user_id: number | null; created_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto('setup_tokens').values(t).execute();
}

/** Uses a setup token once: returns its row if it was unused and unexpired at `at`, and marks it used. */
export function useSetupToken(db: Db, tokenHash: string, at: Date) {
  return db
    .updateTable('setup_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['user_id'])
    .executeTakeFirst();
}

export function findSetupToken(db: Db, tokenHash: string) {
  return db.selectFrom('setup_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Reserves one sign-in attempt under each key, in one statement that counts and decides: a key's counter
 * starts again at 1 once its window (from `windowStart`) has passed. Returns each key's count including
 * this attempt; the caller refuses when a count is over its limit, before checking any password or code.
 * Concurrent callers are serialized on each counter row, so N parallel attempts see counts 1..N.
 */
export async function reserveAttempts(
  db: Db,
  keys: readonly string[],
  now: Date,
  windowStart: Date,
): Promise<Map<string, number>> {
  const r = await sql<{ key: string; attempts: number }>`
    insert into login_attempts as a (key, window_start, attempts)
    select k, ${now}::timestamptz, 1 from unnest(${[...keys]}::text[]) as k
    on conflict (key) do update set
      window_start = case when a.window_start <= ${windowStart} then excluded.window_start else a.window_start end,
      attempts = case when a.window_start <= ${windowStart} then 1 else a.attempts + 1 end
    returning a.key, a.attempts`.execute(db);
  return new Map(r.rows.map((x) => [x.key, Number(x.attempts)]));
}

/** Gives back one reserved attempt (a sign-in that succeeded is not a failure). */
export async function releaseAttempt(db: Db, key: string): Promise<void> {
  await db
    .updateTable('login_attempts')
    .set((eb) => ({ attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('key', '=', key)
    .execute();
}

/** Forgets every attempt under a key (a success clears the account's count). */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', key).execute();
}

/** An instance setting's value, or undefined when it was never set. */
export async function readSetting(db: Db, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeSetting(db: Db, key: string, value: unknown, at: Date, by: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: by })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at, updated_by: by }),
    )
    .execute();
}
