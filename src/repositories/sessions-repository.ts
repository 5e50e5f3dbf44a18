import type { Db } from '../db/connect.ts';
import type { SessionRow, UserRow } from '../db/schema.ts';

export type NewSession = Omit<SessionRow, 'revoked_at'>;

export async function insertSession(db: Db, s: NewSession): Promise<void> {
  await db.insertInto('sessions').values(s).execute();
}

/** A live (not revoked) session with its user. Expiry is the caller's rule, not the query's. */
export async function findLiveSession(
  db: Db,
  idHash: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
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
    ])
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
    ...session
  } = row;
  return {
    session,
    user: {
      id: session.user_id,
      email,
      role,
      password_hash,
      totp_secret,
      totp_last_step,
      created_at: user_created_at,
      disabled_at,
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

export async function insertLoginFailure(
  db: Db,
  f: { account: string; ip: string; at: Date },
): Promise<void> {
  await db.insertInto('login_failures').values(f).execute();
}

/** Failed sign-ins since `since`, for this account and for this address. */
export async function countLoginFailures(
  db: Db,
  account: string,
  ip: string,
  since: Date,
): Promise<{ account: number; ip: number }> {
  const [a, i] = await Promise.all([
    db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account', '=', account)
      .where('at', '>', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ip', '=', ip)
      .where('at', '>', since)
      .executeTakeFirstOrThrow(),
  ]);
  return { account: Number(a.n), ip: Number(i.n) };
}

export async function clearLoginFailures(db: Db, account: string): Promise<void> {
  await db.deleteFrom('login_failures').where('account', '=', account).execute();
}
