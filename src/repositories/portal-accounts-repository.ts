import type { Db } from '../db/connect.ts';
import type {
  PortalDomainRuleRow,
  PortalStage,
  PortalUserRow,
  PortalUsersTable,
  PortalUserState,
} from '../db/schema-portal.ts';
import type { Insertable, Updateable } from 'kysely';

/** The portal's accounts: domain rules, officers, one-time links and sessions (docs/portal.md). */

export function listDomainRules(db: Db): Promise<PortalDomainRuleRow[]> {
  return db.selectFrom('portal_domain_rules').selectAll().orderBy('domain').orderBy('kind').execute();
}

export async function insertDomainRule(
  db: Db,
  r: { domain: string; kind: 'exact' | 'suffix'; country: string | null; added_by: string; added_at: Date },
): Promise<number | null> {
  const row = await db
    .insertInto('portal_domain_rules')
    .values(r)
    .onConflict((oc) => oc.columns(['domain', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export function deleteDomainRule(db: Db, id: number) {
  return db.deleteFrom('portal_domain_rules').where('id', '=', id).returningAll().executeTakeFirst();
}

export function findPortalUserByEmail(db: Db, email: string): Promise<PortalUserRow | undefined> {
  return db.selectFrom('portal_users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findPortalUser(db: Db, id: number): Promise<PortalUserRow | undefined> {
  return db.selectFrom('portal_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertPortalUser(db: Db, u: Insertable<PortalUsersTable>): Promise<number> {
  const r = await db.insertInto('portal_users').values(u).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function updatePortalUser(
  db: Db,
  id: number,
  set: Updateable<PortalUsersTable>,
  onlyIn?: readonly PortalUserState[],
): Promise<boolean> {
  let q = db.updateTable('portal_users').set(set).where('id', '=', id);
  if (onlyIn) q = q.where('state', 'in', [...onlyIn]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function listPortalUsers(db: Db, states: readonly PortalUserState[]): Promise<PortalUserRow[]> {
  return db
    .selectFrom('portal_users')
    .selectAll()
    .where('state', 'in', [...states])
    .orderBy('id')
    .execute();
}

/** Claims a TOTP step once (a code cannot be replayed within its window). */
export async function claimPortalTotpStep(db: Db, id: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('portal_users')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertPortalToken(
  db: Db,
  t: {
    token_hash: string;
    user_id: number;
    purpose: 'verify' | 'sign_in';
    created_at: Date;
    expires_at: Date;
  },
): Promise<void> {
  await db.insertInto('portal_tokens').values(t).execute();
}

/** Uses a one-time link once: its user when it was unused, unexpired and for this purpose. */
export async function usePortalToken(
  db: Db,
  tokenHash: string,
  purpose: 'verify' | 'sign_in',
  at: Date,
): Promise<number | null> {
  const r = await db
    .updateTable('portal_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('user_id')
    .executeTakeFirst();
  return r ? Number(r.user_id) : null;
}

export async function insertPortalSession(
  db: Db,
  s: {
    id_hash: string;
    user_id: number;
    stage: PortalStage;
    csrf_secret: string;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  },
): Promise<void> {
  await db.insertInto('portal_sessions').values(s).execute();
}

export function findPortalSession(db: Db, idHash: string) {
  return db
    .selectFrom('portal_sessions as s')
    .innerJoin('portal_users as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.user_id', 's.stage', 's.csrf_secret', 's.last_seen_at', 's.expires_at'])
    .select(['u.email', 'u.name', 'u.agency', 'u.state', 'u.totp_secret'])
    .where('s.id_hash', '=', idHash)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchPortalSession(db: Db, idHash: string, at: Date): Promise<void> {
  await db.updateTable('portal_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function revokePortalSession(db: Db, idHash: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('portal_sessions')
    .set({ revoked_at: at })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokePortalUserSessions(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('portal_sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Officers whose TOTP secret is not sealed under `currentKeyId`, locked for re-sealing (`candor keys rotate`). */
export function portalTotpSecretsToSeal(db: Db, currentKeyId: string) {
  return db
    .selectFrom('portal_users')
    .select(['id', 'totp_secret'])
    .where('totp_secret', 'is not', null)
    .where('totp_secret', 'not like', `v1.${currentKeyId}.%`)
    .orderBy('id')
    .forUpdate()
    .execute() as Promise<Array<{ id: number; totp_secret: string }>>;
}

/** Replaces an officer's sealed TOTP secret by the same secret sealed again; keeps the replay guard. */
export async function resealPortalTotpSecret(db: Db, id: number, sealed: string): Promise<void> {
  await db.updateTable('portal_users').set({ totp_secret: sealed }).where('id', '=', id).execute();
}
