import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { UserRow } from '../db/schema.ts';
import type { Role } from '../domain/vocabulary.ts';

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function insertUser(db: Db, email: string, role: Role): Promise<UserRow> {
  return db.insertInto('users').values({ email, role }).returningAll().executeTakeFirstOrThrow();
}

export async function insertToken(
  db: Db,
  userId: number,
  tokenHash: string,
  label: string | null,
): Promise<number> {
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, token_hash: tokenHash, label })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The active user holding a token, if the token is live. */
export function findUserByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<(UserRow & { token_id: number }) | undefined> {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .select('t.id as token_id')
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

export function countUsers(db: Db): Promise<number> {
  return db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setPasswordHash(db: Db, userId: number, hash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
}

/** Sets or clears the (sealed) TOTP secret; the replay guard restarts with it, and any lock ends. */
export async function setTotpSecret(db: Db, userId: number, secret: string | null): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_last_step: null, locked_until: null })
    .where('id', '=', userId)
    .execute();
}

/** Users whose stored TOTP secret is not sealed under `currentKeyId` (or not sealed at all), locked. */
export function totpSecretsToSeal(db: Db, currentKeyId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'totp_secret'])
    .where('totp_secret', 'is not', null)
    .where('totp_secret', 'not like', `v1.${currentKeyId}.%`)
    .orderBy('id')
    .forUpdate()
    .execute() as Promise<Array<{ id: number; totp_secret: string }>>;
}

/** Replaces a stored TOTP secret by the same secret sealed again; keeps the replay guard. */
export async function resealTotpSecret(db: Db, userId: number, sealed: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret: sealed }).where('id', '=', userId).execute();
}

/** Locks a user out of sign-in until `until` (too many second-factor failures); false if already locked. */
export async function lockUser(db: Db, userId: number, until: Date, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ locked_until: until })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a used TOTP step; false when this step (or a later one) was already used, i.e. a replay. */
export async function claimTotpStep(db: Db, userId: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Disables a user (`at`) or enables them again (`null`); false when the user was already so. */
export async function setDisabledAt(db: Db, userId: number, at: Date | null): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ disabled_at: at })
    .where('id', '=', userId)
    .where('disabled_at', at === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Revokes every live API token of a user; returns how many. */
export async function revokeUserTokens(db: Db, userId: number, at: Date): Promise<number> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The ids of the admins who are not disabled, locked until the transaction ends (so two cannot race). */
export async function lockActiveAdmins(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** Sets a user's role. */
export async function setUserRole(db: Db, userId: number, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

/** The user linked to an OpenID Connect identity. */
export function findUserByOidc(db: Db, issuer: string, subject: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('oidc_issuer', '=', issuer)
    .where('oidc_subject', '=', subject)
    .executeTakeFirst();
}

/** Links a user to an OpenID Connect identity, only if the user has none yet. */
export async function linkOidc(db: Db, userId: number, issuer: string, subject: string): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ oidc_issuer: issuer, oidc_subject: subject })
    .where('id', '=', userId)
    .where('oidc_issuer', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
