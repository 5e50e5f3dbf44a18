import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';
import { CandorError } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  findUserByEmail,
  findUserByTokenHash,
  insertToken,
  insertUser,
  listUsers,
} from '../repositories/users-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';

/** API tokens are 32 random bytes; only their SHA-256 is stored, so a database leak reveals no token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return `cnd_${randomBytes(32).toString('base64url')}`;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

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

    /** Issues another API token for an existing user. */
    async issueToken(actor: Actor, email: string, label: string | null) {
      authorize(actor, 'user.manage');
      const token = newToken();
      await db.transaction().execute(async (trx) => {
        const u = await findUserByEmail(trx, email);
        if (!u) throw new CandorError('not_found', `no user with e-mail ${email}`);
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

    /** The actor behind an API token, or `unauthenticated`. */
    async actorForToken(token: string | undefined): Promise<Actor> {
      if (!token)
        throw new CandorError('unauthenticated', 'an API token is required (Authorization: Bearer ...)');
      const u = await findUserByTokenHash(db, hashToken(token));
      if (!u) throw new CandorError('unauthenticated', 'the API token is not valid or was revoked');
      return { label: `user:${u.id} (${u.email})`, userId: u.id, role: u.role };
    },

    async list(actor: Actor) {
      authorize(actor, 'user.manage');
      return (await listUsers(db)).map((u) => ({
        id: u.id,
        email: u.email,
        role: u.role,
        created_at: u.created_at.toISOString(),
        disabled: u.disabled_at !== null,
        second_factor: u.totp_secret !== null,
      }));
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
