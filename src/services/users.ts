import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import type { UserRow } from '../db/schema.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';
import { CandorError } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { revokeUserSessions } from '../repositories/sessions-repository.ts';
import {
  findUserByEmail,
  findUserById,
  findUserByTokenHash,
  insertToken,
  insertUser,
  listUsers,
  lockActiveAdmins,
  revokeUserTokens,
  setDisabledAt,
  setUserRole,
} from '../repositories/users-repository.ts';
import { deleteGrant, insertGrant, listGrants } from '../repositories/sight.ts';
import { cleanString } from '../domain/primitives.ts';
import { authorize, type Actor } from './authorize.ts';
import { sightFor } from './sight.ts';
import type { Clock } from './requests.ts';

/** API tokens are 32 random bytes; only their SHA-256 is stored, so a database leak reveals no token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return `cnd_${randomBytes(32).toString('base64url')}`;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

const reasonText = cleanString().trim().min(3).max(2000);

/** Every grant and revocation says why (the audit log keeps it). */
function grantReason(reason: string): string {
  const r = reasonText.safeParse(reason);
  if (!r.success)
    throw new CandorError(
      'invalid',
      'give the reason for the grant or its revocation (3 characters or more)',
      [{ field: 'reason', message: 'required' }],
    );
  return r.data;
}

/** A user named by id (the web app) or by e-mail (the CLI). */
export type UserRef = number | string;

async function findUser(db: Db, ref: UserRef): Promise<UserRow> {
  const u = typeof ref === 'number' ? await findUserById(db, ref) : await findUserByEmail(db, ref);
  if (!u)
    throw new CandorError('not_found', `no user ${typeof ref === 'number' ? ref : `with e-mail ${ref}`}`);
  return u;
}

/**
 * The one rule every change of a user obeys (disabling, a new role): an active admin must remain. `admins` are
 * the active admins, locked for the transaction.
 */
function assertAnAdminRemains(admins: readonly number[], u: UserRow): void {
  if (u.role === 'admin' && !u.disabled_at && admins.length === 1 && admins[0] === u.id) {
    throw new CandorError('invalid_state', `${u.email} is the last active admin; make another admin first`);
  }
}

export function createUserService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** Adds a user and issues a first API token, returned once and never again. */
    async add(actor: Actor, email: string, role: string, label = 'created with the user') {
      authorize(actor, 'user.manage');
      const issues = [];
      if (!EMAIL.test(email)) issues.push({ field: 'email', message: 'expected an e-mail address' });
      if (!(ROLES as readonly string[]).includes(role)) {
        issues.push({ field: 'role', message: `expected one of: ${ROLES.join(', ')}` });
      }
      if (issues.length) throw new CandorError('invalid', 'the user is not valid', issues);
      const token = newToken();
      const user = await db.transaction().execute(async (trx) => {
        if (await findUserByEmail(trx, email)) {
          throw new CandorError('conflict', `a user with e-mail ${email} exists`, [
            { field: 'email', message: 'already used' },
          ]);
        }
        const u = await insertUser(trx, email, role as Role);
        const tokenId = await insertToken(trx, u.id, hashToken(token), label);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.create',
          entity: 'user',
          entityId: u.id,
          after: { email, role, token_id: tokenId },
        });
        return u;
      });
      return { user: { id: user.id, email: user.email, role: user.role }, token };
    },

    /** Issues another API token for an existing user (not a disabled one: the token would not work). */
    async issueToken(actor: Actor, email: string, label: string | null) {
      authorize(actor, 'user.manage');
      const token = newToken();
      await db.transaction().execute(async (trx) => {
        const u = await findUserByEmail(trx, email);
        if (!u) throw new CandorError('not_found', `no user with e-mail ${email}`);
        if (u.disabled_at) {
          throw new CandorError('invalid_state', `${u.email} is disabled; enable the user first`);
        }
        const tokenId = await insertToken(trx, u.id, hashToken(token), label);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'token.create',
          entity: 'user',
          entityId: u.id,
          after: { token_id: tokenId, label },
        });
      });
      return token;
    },

    /**
     * Disables a user: they can no longer sign in, and in the same transaction every session of theirs
     * ends and every API token of theirs is revoked, with the audit event. Admins may not disable
     * themselves, nor the last active admin. Disabling a disabled user changes nothing.
     */
    async disable(actor: Actor, ref: UserRef) {
      authorize(actor, 'user.manage');
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const admins = await lockActiveAdmins(trx);
        const u = await findUser(trx, ref);
        if (actor.userId === u.id) {
          throw new CandorError(
            'invalid_state',
            'you cannot disable your own account: another admin must do it',
          );
        }
        const result = { id: u.id, email: u.email, changed: false, sessions: 0, tokens: 0 };
        if (u.disabled_at) return result;
        assertAnAdminRemains(admins, u);
        if (!(await setDisabledAt(trx, u.id, now))) return result;
        const sessions = await revokeUserSessions(trx, u.id, now);
        const tokens = await revokeUserTokens(trx, u.id, now);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'user.disable',
          entity: 'user',
          entityId: u.id,
          before: { disabled_at: null },
          after: { disabled_at: now.toISOString(), sessions_revoked: sessions, tokens_revoked: tokens },
        });
        return { ...result, changed: true, sessions, tokens };
      });
    },

    /** Gives a user another role; never the last active admin's away. Its sessions see the new role at once. */
    async setRole(actor: Actor, ref: UserRef, role: string) {
      authorize(actor, 'user.manage');
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new CandorError('invalid', `role: expected one of ${ROLES.join(', ')}`, [
          { field: 'role', message: `expected one of: ${ROLES.join(', ')}` },
        ]);
      }
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const admins = await lockActiveAdmins(trx);
        const u = await findUser(trx, ref);
        const result = { id: u.id, email: u.email, role: role as Role, was: u.role, changed: false };
        if (u.role === role) return result;
        if (role !== 'admin') assertAnAdminRemains(admins, u);
        await setUserRole(trx, u.id, role as Role);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'user.role',
          entity: 'user',
          entityId: u.id,
          before: { role: u.role },
          after: { role },
        });
        return { ...result, changed: true };
      });
    },

    /**
     * Enables a disabled user again: they may sign in with their password. Their revoked sessions and API
     * tokens stay revoked (issue a new token if they need one). Enabling an active user changes nothing.
     */
    async enable(actor: Actor, ref: UserRef) {
      authorize(actor, 'user.manage');
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const u = await findUser(trx, ref);
        const result = { id: u.id, email: u.email, changed: false };
        if (!u.disabled_at || !(await setDisabledAt(trx, u.id, null))) return result;
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'user.enable',
          entity: 'user',
          entityId: u.id,
          before: { disabled_at: u.disabled_at.toISOString() },
          after: { disabled_at: null },
        });
        return { ...result, changed: true };
      });
    },

    /** The actor behind an API token, or `unauthenticated`. */
    async actorForToken(token: string | undefined): Promise<Actor> {
      if (!token)
        throw new CandorError('unauthenticated', 'an API token is required (Authorization: Bearer ...)');
      const u = await findUserByTokenHash(db, hashToken(token));
      if (!u) throw new CandorError('unauthenticated', 'the API token is not valid or was revoked');
      return { label: `user:${u.id} (${u.email})`, userId: u.id, role: u.role };
    },

    /**
     * Grants the restricted-matters grant (docs/workflow.md, "Restricted matters"): the user then sees every
     * restricted request. Admins grant, with a reason; an admin is not granted by being one, but may grant
     * themselves (the audit log names who did). Granting a holder changes nothing.
     */
    async grantRestricted(actor: Actor, ref: UserRef, reason: string) {
      authorize(actor, 'user.manage');
      const why = grantReason(reason);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const u = await findUser(trx, ref);
        if (u.disabled_at)
          throw new CandorError('invalid_state', `${u.email} is disabled; enable the user first`);
        const changed = await insertGrant(trx, {
          user_id: u.id,
          granted_by: actor.label,
          granted_at: now,
          reason: why,
        });
        if (changed)
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'restricted.grant',
            entity: 'user',
            entityId: u.id,
            after: { email: u.email, restricted_grant: true, reason: why },
          });
        return { id: u.id, email: u.email, restricted: true, changed };
      });
    },

    /** Revokes the restricted-matters grant (audited, with a reason); revoking from a non-holder changes nothing. */
    async revokeRestricted(actor: Actor, ref: UserRef, reason: string) {
      authorize(actor, 'user.manage');
      const why = grantReason(reason);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const u = await findUser(trx, ref);
        const changed = await deleteGrant(trx, u.id);
        if (changed)
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'restricted.revoke',
            entity: 'user',
            entityId: u.id,
            before: { restricted_grant: true },
            after: { email: u.email, restricted_grant: false, reason: why },
          });
        return { id: u.id, email: u.email, restricted: false, changed };
      });
    },

    /** Whether the actor sees restricted matters (for the pages' notes and the API's /me). */
    async seesRestricted(actor: Actor): Promise<boolean> {
      return (await sightFor(db, actor)) === 'all';
    },

    async list(actor: Actor) {
      authorize(actor, 'user.manage');
      const granted = new Map((await listGrants(db)).map((g) => [g.user_id, g]));
      return (await listUsers(db)).map((u) => ({
        id: u.id,
        email: u.email,
        role: u.role,
        created_at: u.created_at.toISOString(),
        disabled: u.disabled_at !== null,
        disabled_at: u.disabled_at?.toISOString() ?? null,
        second_factor: u.totp_secret !== null,
        /** Locked out of sign-in after too many wrong second-factor codes, until then. */
        locked_until: u.locked_until && u.locked_until > clock() ? u.locked_until.toISOString() : null,
        /** Holds the restricted-matters grant: sees restricted requests. */
        restricted: granted.has(Number(u.id)),
      }));
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
