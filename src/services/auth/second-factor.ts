import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connect.ts';
import { base32Encode, otpauthUri, verifyTotp } from '../../domain/totp.ts';
import { CandorError } from '../../errors.ts';
import type { KeyringSource } from '../../keys/source.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { clearAttempts, readSetting, REQUIRE_SECOND_FACTOR } from '../../repositories/sessions-repository.ts';
import { claimTotpStep, findUserById, setTotpSecret } from '../../repositories/users-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { attemptKey, reserve } from './attempts.ts';
import { checkPassword } from './passwords.ts';
import { AUTH_POLICY } from './policy.ts';

/** What a TOTP secret is sealed for: this user's second factor, and nothing else. */
export const totpContext = (userId: number) => `totp:user:${userId}`;

/** Sealed TOTP secrets start with the keyring's format tag; anything else is a secret from before sealing. */
export const isSealed = (stored: string) => stored.startsWith('v1.');

/** The base32 secret behind a stored value (sealed, or plaintext left by an older Candor until start-up seals it). */
export function openTotpSecret(keys: KeyringSource, userId: number, stored: string): string {
  return isSealed(stored) ? keys.open(stored, totpContext(userId)).toString('utf8') : stored;
}

const tooMany = () =>
  new CandorError('invalid', 'too many attempts', [
    {
      field: 'code',
      message: `too many wrong passwords or codes; wait ${AUTH_POLICY.failureWindowMinutes} minutes and try again`,
    },
  ]);

/** Enrolment, turning off, and an admin's reset of the second factor. */
export function createSecondFactor(deps: { db: Db; clock: Clock; keys: KeyringSource }) {
  const { db, clock, keys } = deps;
  return {
    /** A fresh TOTP secret to show during enrolment (not stored until a code from it is confirmed). */
    newTotpSecret(email: string, issuer = 'Candor') {
      const s = base32Encode(randomBytes(20));
      return { secret: s, uri: otpauthUri(s, email, issuer) };
    },

    /** Turns on the second factor once the user proves their app holds the secret; stores it sealed. */
    async enableTotp(actor: Actor, secretBase32: string, code: string): Promise<void> {
      if (actor.userId === null) throw new CandorError('unauthenticated', 'sign in first');
      if (!/^[A-Z2-7]{32}$/.test(secretBase32)) throw new CandorError('invalid', 'the secret was altered');
      const step = verifyTotp(secretBase32, code, clock());
      if (step === null) {
        throw new CandorError('invalid', 'the code does not match', [
          { field: 'code', message: 'enter the 6-digit code your app shows now' },
        ]);
      }
      const userId = actor.userId;
      const sealed = keys.seal(secretBase32, totpContext(userId));
      await db.transaction().execute(async (trx) => {
        await setTotpSecret(trx, userId, sealed);
        await claimTotpStep(trx, userId, step);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.totp_enable',
          entity: 'user',
          entityId: userId,
        });
      });
    },

    /**
     * Turns one's own second factor off: only with the password and a current code, so a session left open
     * on someone's desk cannot remove it. Both checks are rate-limited like sign-in.
     */
    async disableOwnTotp(actor: Actor, password: string, code: string): Promise<void> {
      const u = actor.userId !== null ? await findUserById(db, actor.userId) : undefined;
      if (!u) throw new CandorError('unauthenticated', 'sign in first');
      if (!u.totp_secret) return;
      if ((await readSetting(db, REQUIRE_SECOND_FACTOR)) === true && u.password_hash !== null) {
        throw new CandorError(
          'invalid_state',
          'an administrator requires a second factor for every local account',
        );
      }
      const r = await reserve(db, clock(), [attemptKey.account(u.email), attemptKey.totp(u.id)]);
      if (!r.allowed) throw tooMany();
      if (!(await checkPassword(password, u.password_hash))) {
        throw new CandorError('invalid', 'the password is wrong', [
          { field: 'password', message: 'does not match your password' },
        ]);
      }
      const step = verifyTotp(openTotpSecret(keys, u.id, u.totp_secret), code, clock());
      await db.transaction().execute(async (trx) => {
        if (step === null || !(await claimTotpStep(trx, u.id, step))) {
          throw new CandorError('invalid', 'the code does not match', [
            { field: 'code', message: 'enter the 6-digit code your app shows now' },
          ]);
        }
        await setTotpSecret(trx, u.id, null);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.totp_disable',
          entity: 'user',
          entityId: u.id,
        });
      });
      await clearAttempts(db, attemptKey.totp(u.id));
      await clearAttempts(db, attemptKey.account(u.email));
    },

    /** An admin's reset of a lost second factor; it also ends a lock from too many wrong codes. */
    async resetTotp(actor: Actor, userId: number): Promise<void> {
      authorize(actor, 'user.manage');
      await db.transaction().execute(async (trx) => {
        const u = await findUserById(trx, userId);
        if (!u) throw new CandorError('not_found', `no user ${userId}`);
        await setTotpSecret(trx, userId, null);
        await clearAttempts(trx, attemptKey.totp(userId));
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.totp_disable',
          entity: 'user',
          entityId: userId,
          ...(u.locked_until && u.locked_until > clock()
            ? { before: { locked_until: u.locked_until.toISOString() }, after: { locked_until: null } }
            : {}),
        });
      });
    },
  };
}
