import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { UserRow } from '../../db/schema.ts';
import { verifyTotp } from '../../domain/totp.ts';
import type { KeyringSource } from '../../keys/source.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { findLiveSession, revokeSession } from '../../repositories/sessions-repository.ts';
import { claimTotpStep, findUserByEmail, lockUser } from '../../repositories/users-repository.ts';
import type { Clock } from '../requests.ts';
import { attemptKey, reserve, succeeded } from './attempts.ts';
import { checkPassword, sha256 } from './passwords.ts';
import { AUTH_POLICY, MINUTE } from './policy.ts';
import { openTotpSecret } from './second-factor.ts';
import type { Sessions } from './sessions.ts';

export type SignInResult =
  | { kind: 'signed_in'; token: string }
  | { kind: 'second_factor'; token: string }
  | { kind: 'refused'; reason: 'bad_credentials' | 'rate_limited' | 'locked' | 'passwords_off' };

const locked = (u: Pick<UserRow, 'locked_until'>, now: Date) =>
  u.locked_until !== null && u.locked_until.getTime() > now.getTime();

/**
 * The two steps of signing in. Every attempt is reserved against its limits (per account, per address,
 * per second factor) before scrypt or the TOTP check runs, so parallel guesses get no more checks than the
 * limit allows. A correct password clears the account's password count, never the second factor's.
 */
export function createSignIn(deps: {
  db: Db;
  clock: Clock;
  keys: KeyringSource;
  sessions: Sessions;
  config: Pick<Config, 'localPasswords'>;
}) {
  const { db, clock, keys, sessions, config } = deps;
  return {
    /** Password step. Failures say nothing about which part was wrong. */
    async signIn(email: string, password: string, ip: string, userAgent?: string): Promise<SignInResult> {
      if (!config.localPasswords) return { kind: 'refused', reason: 'passwords_off' };
      const now = clock();
      const account = attemptKey.account(email);
      const address = attemptKey.ip(ip);
      if (!(await reserve(db, now, [account, address])).allowed)
        return { kind: 'refused', reason: 'rate_limited' };
      const normalized = email.trim().toLowerCase().slice(0, 320);
      const u = normalized ? await findUserByEmail(db, normalized) : undefined;
      const ok = await checkPassword(password, u?.password_hash);
      if (!u || !ok || u.disabled_at) return { kind: 'refused', reason: 'bad_credentials' };
      if (locked(u, clock())) return { kind: 'refused', reason: 'locked' };
      await succeeded(db, account, address);
      if (u.totp_secret) {
        return {
          kind: 'second_factor',
          token: await sessions.newSession(db, u.id, 'second_factor', userAgent),
        };
      }
      const token = await db.transaction().execute(async (trx) => {
        const t = await sessions.newSession(trx, u.id, 'signed_in', userAgent);
        await sessions.signInEvent(trx, u, 'password');
        return t;
      });
      return { kind: 'signed_in', token };
    },

    /**
     * Second step: a TOTP code for the pending session; success replaces it with a signed-in session. The
     * last wrong code the limit allows locks the account for `lockMinutes`, with an audit event.
     */
    async secondFactor(
      pendingToken: string,
      code: string,
      ip: string,
      userAgent?: string,
    ): Promise<SignInResult> {
      const idHash = sha256(pendingToken);
      const found = await findLiveSession(db, idHash);
      const s = await sessions.session(pendingToken);
      if (!config.localPasswords) return { kind: 'refused', reason: 'passwords_off' };
      if (!found || !s || s.stage !== 'second_factor' || !found.user.totp_secret) {
        return { kind: 'refused', reason: 'bad_credentials' };
      }
      const u = found.user;
      const now = clock();
      if (locked(u, now)) return { kind: 'refused', reason: 'locked' };
      const factor = attemptKey.totp(u.id);
      const address = attemptKey.ip(ip);
      const r = await reserve(db, now, [factor, address]);
      if (!r.allowed) return { kind: 'refused', reason: 'rate_limited' };
      const step = verifyTotp(openTotpSecret(keys, u.id, u.totp_secret as string), code, now);
      const token = await db.transaction().execute(async (trx) => {
        if (step === null || !(await claimTotpStep(trx, u.id, step))) return null;
        await revokeSession(trx, idHash, clock());
        const t = await sessions.newSession(trx, u.id, 'signed_in', userAgent);
        await sessions.signInEvent(trx, u, 'password+totp');
        return t;
      });
      if (token) {
        await succeeded(db, factor, address);
        return { kind: 'signed_in', token };
      }
      if ((r.counts.get(factor) ?? 0) >= AUTH_POLICY.maxSecondFactorFailures) {
        const until = new Date(now.getTime() + AUTH_POLICY.lockMinutes * MINUTE);
        await db.transaction().execute(async (trx) => {
          await revokeSession(trx, idHash, now);
          if (!(await lockUser(trx, u.id, until, now))) return;
          await appendEvent(trx, {
            at: now,
            actor: 'system:sign-in',
            action: 'user.lock',
            entity: 'user',
            entityId: u.id,
            before: { locked_until: null },
            after: {
              locked_until: until.toISOString(),
              reason: `${AUTH_POLICY.maxSecondFactorFailures} wrong second-factor codes`,
            },
          });
        });
        return { kind: 'refused', reason: 'locked' };
      }
      return { kind: 'refused', reason: 'bad_credentials' };
    },
  };
}
