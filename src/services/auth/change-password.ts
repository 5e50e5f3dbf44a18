import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { clearAttempts, revokeUserSessions } from '../../repositories/sessions-repository.ts';
import { findUserById, setPasswordHash } from '../../repositories/users-repository.ts';
import type { Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { attemptKey, reserve } from './attempts.ts';
import { checkPassword, checkPasswordRules, hashPassword } from './passwords.ts';
import { AUTH_POLICY, PASSWORDS_OFF } from './policy.ts';
import type { Sessions } from './sessions.ts';

/** Changing one's own password: the current one is checked under the account's sign-in limit. */
export function createChangePassword(deps: {
  db: Db;
  clock: Clock;
  sessions: Sessions;
  config: Pick<Config, 'localPasswords'>;
}) {
  const { db, clock, sessions, config } = deps;
  return {
    /** Changes one's own password; other sessions end, this one is replaced. */
    async changePassword(actor: Actor, current: string, next: string, userAgent?: string): Promise<string> {
      if (!config.localPasswords) throw new CandorError('invalid_state', PASSWORDS_OFF);
      const u = actor.userId !== null ? await findUserById(db, actor.userId) : undefined;
      if (!u) throw new CandorError('unauthenticated', 'sign in first');
      if (!(await reserve(db, clock(), [attemptKey.account(u.email)])).allowed) {
        throw new CandorError('invalid', 'too many attempts', [
          {
            field: 'current',
            message: `too many wrong passwords; wait ${AUTH_POLICY.failureWindowMinutes} minutes and try again`,
          },
        ]);
      }
      if (!(await checkPassword(current, u.password_hash))) {
        throw new CandorError('invalid', 'the current password is wrong', [
          { field: 'current', message: 'does not match your current password' },
        ]);
      }
      await clearAttempts(db, attemptKey.account(u.email));
      checkPasswordRules(next);
      const hash = await hashPassword(next);
      return db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, u.id, hash);
        await revokeUserSessions(trx, u.id, clock());
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.password_change',
          entity: 'user',
          entityId: u.id,
        });
        return sessions.newSession(trx, u.id, 'signed_in', userAgent);
      });
    },
  };
}
