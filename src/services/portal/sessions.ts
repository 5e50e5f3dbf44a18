import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connect.ts';
import type { PortalStage } from '../../db/schema-portal.ts';
import { base32Encode, otpauthUri, verifyTotp } from '../../domain/totp.ts';
import { CandorError } from '../../errors.ts';
import type { KeyringSource } from '../../keys/source.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  claimPortalTotpStep,
  findPortalSession,
  findPortalUser,
  findPortalUserByEmail,
  insertPortalSession,
  insertPortalToken,
  revokePortalSession,
  touchPortalSession,
  updatePortalUser,
  usePortalToken,
} from '../../repositories/portal-accounts-repository.ts';
import { clearAttempts } from '../../repositories/sessions-repository.ts';
import { secret, sha256 } from '../auth/passwords.ts';
import type { Clock } from '../requests.ts';
import { limit, officerLabel, PORTAL_POLICY, type Officer, type PortalMail } from './common.ts';

const MIN = 60_000;

/** What a TOTP secret of an officer is sealed for (never the same context as a staff user's). */
export const portalTotpContext = (userId: number) => `totp:portal:${userId}`;

/** A portal session as the portal's pages see it. */
export interface PortalSession {
  officer: Officer;
  stage: PortalStage;
  csrf: string;
}

const badCode = () =>
  new CandorError('invalid', 'the code does not match', [
    { field: 'code', message: 'enter the 6-digit code your authenticator app shows now' },
  ]);

/**
 * Signing in to the portal: an e-mailed one-time link, then a TOTP code (enrolled at the first sign-in).
 * Sessions, links and codes are the portal's own: a staff cookie or token opens nothing here, and back.
 */
export function createPortalSessions(deps: {
  db: Db;
  clock: Clock;
  keys: KeyringSource;
  mail: PortalMail;
  base: string;
}) {
  const { db, clock, keys, mail, base } = deps;

  async function open(trx: Db, userId: number, stage: PortalStage): Promise<string> {
    const token = secret();
    const now = clock();
    const life =
      stage === 'signed_in' ? PORTAL_POLICY.absoluteHours * 60 * MIN : PORTAL_POLICY.pendingMinutes * MIN;
    await insertPortalSession(trx, {
      id_hash: sha256(token),
      user_id: userId,
      stage,
      csrf_secret: secret(),
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + life),
    });
    return token;
  }

  /** Moves a session to its next stage under a new cookie value (no fixation): the old one ends. */
  async function advance(token: string, userId: number, stage: PortalStage, event: string): Promise<string> {
    const u = (await findPortalUser(db, userId))!;
    return db.transaction().execute(async (trx) => {
      await revokePortalSession(trx, sha256(token), clock());
      if (stage === 'signed_in' && !u.first_sign_in_at)
        await updatePortalUser(trx, userId, { first_sign_in_at: clock() });
      await appendEvent(trx, {
        at: clock(),
        actor: officerLabel(u),
        action: event,
        entity: 'portal_user',
        entityId: userId,
      });
      return open(trx, userId, stage);
    });
  }

  return {
    open,

    /** The live session behind a cookie value; null when there is none, it ended, or the account is not active. */
    async session(token: string | undefined): Promise<PortalSession | null> {
      if (!token || token.length > 100) return null;
      const s = await findPortalSession(db, sha256(token));
      if (!s || s.state !== 'active') return null;
      const now = clock().getTime();
      const idle =
        s.stage === 'signed_in' ? PORTAL_POLICY.idleMinutes * MIN : PORTAL_POLICY.pendingMinutes * MIN;
      if (s.expires_at.getTime() <= now || s.last_seen_at.getTime() + idle <= now) return null;
      if (now - s.last_seen_at.getTime() > MIN) await touchPortalSession(db, s.id_hash, clock());
      const id = Number(s.user_id);
      return {
        officer: {
          id,
          email: s.email,
          name: s.name,
          agency: s.agency,
          label: officerLabel({ id, email: s.email }),
        },
        stage: s.stage,
        csrf: s.csrf_secret,
      };
    },

    /**
     * E-mails a sign-in link to an active account. The page says the same whatever the address, so it tells
     * nobody which addresses have accounts.
     */
    async requestLink(email: string, ip: string): Promise<void> {
      const e = email.trim().toLowerCase();
      await limit(
        db,
        clock(),
        [
          ['portal-signin-ip', ip],
          ['portal-signin-address', e],
        ],
        'email',
      );
      const u = await findPortalUserByEmail(db, e);
      if (!u || u.state !== 'active') return;
      const token = secret();
      const now = clock();
      await insertPortalToken(db, {
        token_hash: sha256(token),
        user_id: u.id,
        purpose: 'sign_in',
        created_at: now,
        expires_at: new Date(now.getTime() + PORTAL_POLICY.signInLinkMinutes * MIN),
      });
      await mail(u.email, 'Your sign-in link', [
        `Sign in to the portal with this link (valid ${PORTAL_POLICY.signInLinkMinutes} minutes, once):`,
        `${base}/sign-in/${token}`,
        '',
        'If you did not ask for it, ignore this message.',
      ]);
    },

    /** Uses a sign-in link: a session waiting for the code (or for enrolment, the first time). */
    async useLink(token: string): Promise<string> {
      const userId = token.length <= 100 ? await usePortalToken(db, sha256(token), 'sign_in', clock()) : null;
      const u = userId === null ? undefined : await findPortalUser(db, userId);
      if (!u || u.state !== 'active')
        throw new CandorError(
          'invalid',
          'this sign-in link is not valid: it was used, it expired, or it was mistyped',
        );
      return db.transaction().execute((trx) => open(trx, u.id, u.totp_secret ? 'second_factor' : 'enrol'));
    },

    /** A fresh secret for enrolment; not stored until a code from it is confirmed. */
    newTotpSecret(email: string, issuer: string) {
      const s = base32Encode(randomBytes(20));
      return { secret: s, uri: otpauthUri(s, email, issuer) };
    },

    /** Confirms enrolment with a code from the new secret; stores it sealed; the session is signed in. */
    async enrol(token: string, s: PortalSession, secretBase32: string, code: string): Promise<string> {
      if (s.stage !== 'enrol') throw new CandorError('invalid_state', 'the second factor is already set up');
      if (!/^[A-Z2-7]{32}$/.test(secretBase32)) throw new CandorError('invalid', 'the secret was altered');
      await limit(db, clock(), [['portal-totp', String(s.officer.id)]], 'code');
      const step = verifyTotp(secretBase32, code, clock());
      if (step === null) throw badCode();
      await db.transaction().execute(async (trx) => {
        await updatePortalUser(trx, s.officer.id, {
          totp_secret: keys.seal(secretBase32, portalTotpContext(s.officer.id)),
        });
        await claimPortalTotpStep(trx, s.officer.id, step);
      });
      await clearAttempts(db, `portal-totp:${s.officer.id}`);
      return advance(token, s.officer.id, 'signed_in', 'portal.totp_enable');
    },

    /** The second step of every later sign-in: a current code, used once. */
    async secondFactor(token: string, s: PortalSession, code: string): Promise<string> {
      if (s.stage !== 'second_factor') throw new CandorError('invalid_state', 'no code is expected now');
      await limit(db, clock(), [['portal-totp', String(s.officer.id)]], 'code');
      const u = (await findPortalUser(db, s.officer.id))!;
      if (!u.totp_secret) throw new CandorError('invalid_state', 'no second factor is set up');
      const plain = keys.open(u.totp_secret, portalTotpContext(u.id)).toString('utf8');
      const step = verifyTotp(plain, code, clock());
      if (step === null || !(await claimPortalTotpStep(db, u.id, step))) throw badCode();
      await clearAttempts(db, `portal-totp:${u.id}`);
      return advance(token, u.id, 'signed_in', 'portal.sign_in');
    },

    async signOut(token: string): Promise<void> {
      await revokePortalSession(db, sha256(token), clock());
    },
  };
}
export type PortalSessions = ReturnType<typeof createPortalSessions>;
