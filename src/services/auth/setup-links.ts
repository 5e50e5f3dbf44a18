import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { UserRow } from '../../db/schema.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  findSetupToken,
  insertSetupToken,
  revokeUserSessions,
  useSetupToken,
} from '../../repositories/sessions-repository.ts';
import {
  countUsers,
  findUserById,
  insertUser,
  setPasswordHash,
} from '../../repositories/users-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { checkPasswordRules, hashPassword, secret, sha256 } from './passwords.ts';
import { AUTH_POLICY, MINUTE, PASSWORDS_OFF } from './policy.ts';
import { actorOf, type Sessions } from './sessions.ts';

/** One-time links: the first administrator's, and a user's password link (new user or forgotten password). */
export function createSetupLinks(deps: {
  db: Db;
  clock: Clock;
  sessions: Sessions;
  config: Pick<Config, 'localPasswords'>;
}) {
  const { db, clock, sessions, config } = deps;
  return {
    /**
     * The first-run link's token, when the database has no user yet (a new one each call; older ones stay
     * valid until they expire or one is used). Null once anyone exists.
     */
    async firstRunToken(): Promise<string | null> {
      if (!config.localPasswords || (await countUsers(db)) > 0) return null;
      const token = secret();
      const now = clock();
      await insertSetupToken(db, {
        token_hash: sha256(token),
        user_id: null,
        created_at: now,
        expires_at: new Date(now.getTime() + AUTH_POLICY.setupLinkHours * 60 * MINUTE),
      });
      return token;
    },

    /** An admin's one-time link for a user to set their password (new user, or a forgotten password). */
    async passwordLinkToken(actor: Actor, userId: number): Promise<string> {
      authorize(actor, 'user.manage');
      if (!config.localPasswords) throw new CandorError('invalid_state', PASSWORDS_OFF);
      const token = secret();
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const u = await findUserById(trx, userId);
        if (!u) throw new CandorError('not_found', `no user ${userId}`);
        if (u.disabled_at) {
          throw new CandorError('invalid_state', `${u.email} is disabled; enable the user first`);
        }
        await insertSetupToken(trx, {
          token_hash: sha256(token),
          user_id: userId,
          created_at: now,
          expires_at: new Date(now.getTime() + AUTH_POLICY.setupLinkHours * 60 * MINUTE),
        });
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'user.password_link',
          entity: 'user',
          entityId: userId,
        });
      });
      return token;
    },

    /** What a setup link is for, if it can still be used: the first admin, or a named user's password. */
    async setupLink(token: string): Promise<{ email: string | null } | null> {
      if (!config.localPasswords) return null;
      const t = await findSetupToken(db, sha256(token));
      if (!t || t.used_at || t.expires_at.getTime() <= clock().getTime()) return null;
      if (t.user_id === null) return (await countUsers(db)) > 0 ? null : { email: null };
      const u = await findUserById(db, t.user_id);
      return u && !u.disabled_at ? { email: u.email } : null;
    },

    /** Uses a setup link once: creates the first admin (or sets the user's password) and signs them in. */
    async completeSetup(token: string, email: string | null, password: string, userAgent?: string) {
      if (!config.localPasswords) throw new CandorError('invalid_state', PASSWORDS_OFF);
      checkPasswordRules(password);
      const hash = await hashPassword(password);
      return db.transaction().execute(async (trx) => {
        const used = await useSetupToken(trx, sha256(token), clock());
        if (!used) throw new CandorError('not_found', 'this link was used already or has expired');
        let u: UserRow | undefined;
        if (used.user_id === null) {
          if ((await countUsers(trx)) > 0)
            throw new CandorError('conflict', 'the first admin exists already');
          const e = (email ?? '').trim();
          if (!/^[^@\s]+@[^@\s]+$/.test(e)) {
            throw new CandorError('invalid', 'the e-mail address is not valid', [
              { field: 'email', message: 'expected an e-mail address' },
            ]);
          }
          u = await insertUser(trx, e, 'admin');
          await appendEvent(trx, {
            at: clock(),
            actor: `setup:first-run`,
            action: 'user.create',
            entity: 'user',
            entityId: u.id,
            after: { email: e, role: 'admin' },
          });
        } else {
          u = await findUserById(trx, used.user_id);
          if (!u) throw new CandorError('not_found', 'the user of this link no longer exists');
          // Rolled back with the rest: the link stays unused, for when an admin enables the user again.
          if (u.disabled_at) throw new CandorError('invalid_state', 'this account is disabled');
          await revokeUserSessions(trx, u.id, clock());
        }
        await setPasswordHash(trx, u.id, hash);
        await appendEvent(trx, {
          at: clock(),
          actor: actorOf(u).label,
          action: 'user.password_set',
          entity: 'user',
          entityId: u.id,
          after: { via: 'setup link' },
        });
        return sessions.newSession(trx, u.id, 'signed_in', userAgent);
      });
    },
  };
}
