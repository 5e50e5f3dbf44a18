import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import type { Db } from '../db/connect.ts';
import type { UserRow } from '../db/schema.ts';
import { base32Encode, otpauthUri, verifyTotp } from '../domain/totp.ts';
import { CandorError } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  clearLoginFailures,
  countLoginFailures,
  findLiveSession,
  findSetupToken,
  insertLoginFailure,
  insertSession,
  insertSetupToken,
  liveSessionCounts,
  revokeSession,
  revokeUserSessions,
  touchSession,
  useSetupToken,
} from '../repositories/sessions-repository.ts';
import {
  claimTotpStep,
  countUsers,
  findUserByEmail,
  findUserById,
  insertUser,
  setPasswordHash,
  setTotpSecret,
} from '../repositories/users-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';

/** The limits of sign-in, in one place so the docs and tests can quote them. */
export const AUTH_POLICY = {
  /** A session ends after this long without a request. */
  idleMinutes: 30,
  /** ...and after this long in any case. */
  absoluteHours: 12,
  /** Time allowed between the password and the second-factor step. */
  secondFactorMinutes: 5,
  /** Failed sign-ins allowed per account and per address in the window, before refusing. */
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 30,
  failureWindowMinutes: 15,
  /** How long a first-run or password link stays valid. */
  setupLinkHours: 24,
  minPasswordLength: 12,
} as const;

const MINUTE = 60_000;
// Writing last_seen on every request would turn every page view into a write; a minute's slack is harmless.
const TOUCH_EVERY_MS = MINUTE;

/** SHA-256 hex of a secret: what the database holds instead of session ids and setup tokens. */
export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const secret = () => randomBytes(32).toString('base64url');

// OWASP's scrypt settings trade memory for passes at equal cost (N=2^17 p=1 ... N=2^14 p=5); we take
// N=2^14, r=8, p=5: 16 MiB per hash, so a burst of sign-ins cannot exhaust the server's memory. 32-byte salt
// per user. The parameters are stored in each hash, so they can be raised later without a migration.
const SCRYPT = { N: 2 ** 14, r: 8, p: 5, keylen: 32 };

function scrypt(password: string, salt: Buffer, o: ScryptOptions & { keylen: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, o.keylen, { ...o, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(32);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [tag, n, r, p, salt, hash] = stored.split('$');
  if (tag !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return timingSafeEqual(key, expected);
}

// A hash of nothing anyone knows: unknown e-mails still cost one scrypt, so timing does not reveal accounts.
let decoyHash: Promise<string> | undefined;

function checkPasswordRules(password: string): void {
  if (password.length < AUTH_POLICY.minPasswordLength || password.length > 1024) {
    throw new CandorError('invalid', 'the password is not acceptable', [
      {
        field: 'password',
        message: `use at least ${AUTH_POLICY.minPasswordLength} characters (a passphrase is easiest)`,
      },
    ]);
  }
}

export type SignInResult =
  | { kind: 'signed_in'; token: string }
  | { kind: 'second_factor'; token: string }
  | { kind: 'refused'; reason: 'bad_credentials' | 'rate_limited' };

/** A signed-in browser session, as the web layer sees it. */
export interface WebSession {
  actor: Actor;
  email: string;
  csrf: string;
  stage: 'second_factor' | 'signed_in';
  hasSecondFactor: boolean;
}

const actorOf = (u: Pick<UserRow, 'id' | 'email' | 'role'>): Actor => ({
  label: `user:${u.id} (${u.email})`,
  userId: u.id,
  role: u.role,
});

export function createAuthService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function newSession(
    trx: Db,
    userId: number,
    stage: 'second_factor' | 'signed_in',
    userAgent: string | undefined,
  ): Promise<string> {
    const token = secret();
    const now = clock();
    const life =
      stage === 'signed_in'
        ? AUTH_POLICY.absoluteHours * 60 * MINUTE
        : AUTH_POLICY.secondFactorMinutes * MINUTE;
    await insertSession(trx, {
      id_hash: sha256(token),
      user_id: userId,
      stage,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + life),
      csrf_secret: secret(),
      user_agent: userAgent?.slice(0, 500) ?? null,
    });
    return token;
  }

  async function recordFailure(account: string, ip: string): Promise<void> {
    await insertLoginFailure(db, { account, ip, at: clock() });
  }

  async function limited(account: string, ip: string): Promise<boolean> {
    const since = new Date(clock().getTime() - AUTH_POLICY.failureWindowMinutes * MINUTE);
    const n = await countLoginFailures(db, account, ip, since);
    return n.account >= AUTH_POLICY.maxFailuresPerAccount || n.ip >= AUTH_POLICY.maxFailuresPerIp;
  }

  async function signInEvent(trx: Db, u: UserRow, how: string): Promise<void> {
    await appendEvent(trx, {
      at: clock(),
      actor: actorOf(u).label,
      action: 'session.sign_in',
      entity: 'user',
      entityId: u.id,
      after: { how },
    });
  }

  /** The session behind a cookie value, if it is live; refreshes its idle timer. */
  async function session(token: string | undefined): Promise<WebSession | null> {
    if (!token || token.length > 100) return null;
    const idHash = sha256(token);
    const found = await findLiveSession(db, idHash);
    if (!found) return null;
    const { session: s, user: u } = found;
    const now = clock().getTime();
    const idleLimit =
      s.stage === 'signed_in' ? AUTH_POLICY.idleMinutes * MINUTE : AUTH_POLICY.secondFactorMinutes * MINUTE;
    if (u.disabled_at || s.expires_at.getTime() <= now || s.last_seen_at.getTime() + idleLimit <= now)
      return null;
    if (now - s.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(db, idHash, clock());
    return {
      actor: actorOf(u),
      email: u.email,
      csrf: s.csrf_secret,
      stage: s.stage,
      hasSecondFactor: u.totp_secret !== null,
    };
  }

  return {
    session,

    /** Password step. Failures say nothing about which part was wrong; both limits count failures only. */
    async signIn(email: string, password: string, ip: string, userAgent?: string): Promise<SignInResult> {
      const account = email.trim().toLowerCase().slice(0, 320);
      if (await limited(account, ip)) return { kind: 'refused', reason: 'rate_limited' };
      const u = account ? await findUserByEmail(db, account) : undefined;
      decoyHash ??= hashPassword(secret());
      const ok = await verifyPassword(password, u?.password_hash ?? (await decoyHash));
      if (!u || !u.password_hash || !ok || u.disabled_at) {
        await recordFailure(account, ip);
        return { kind: 'refused', reason: 'bad_credentials' };
      }
      await clearLoginFailures(db, account);
      if (u.totp_secret) {
        return { kind: 'second_factor', token: await newSession(db, u.id, 'second_factor', userAgent) };
      }
      const token = await db.transaction().execute(async (trx) => {
        const t = await newSession(trx, u.id, 'signed_in', userAgent);
        await signInEvent(trx, u, 'password');
        return t;
      });
      return { kind: 'signed_in', token };
    },

    /** Second step: a TOTP code for the pending session; success replaces it with a new signed-in session. */
    async secondFactor(
      pendingToken: string,
      code: string,
      ip: string,
      userAgent?: string,
    ): Promise<SignInResult> {
      const idHash = sha256(pendingToken);
      const found = await findLiveSession(db, idHash);
      const s = await session(pendingToken);
      if (!found || !s || s.stage !== 'second_factor' || !found.user.totp_secret) {
        return { kind: 'refused', reason: 'bad_credentials' };
      }
      const u = found.user;
      const account = u.email.toLowerCase();
      if (await limited(account, ip)) return { kind: 'refused', reason: 'rate_limited' };
      const step = verifyTotp(u.totp_secret as string, code, clock());
      const token = await db.transaction().execute(async (trx) => {
        if (step === null || !(await claimTotpStep(trx, u.id, step))) return null;
        await revokeSession(trx, idHash, clock());
        const t = await newSession(trx, u.id, 'signed_in', userAgent);
        await signInEvent(trx, u, 'password+totp');
        return t;
      });
      if (!token) {
        await recordFailure(account, ip);
        return { kind: 'refused', reason: 'bad_credentials' };
      }
      await clearLoginFailures(db, account);
      return { kind: 'signed_in', token };
    },

    /** Ends this browser's session. */
    async signOut(token: string): Promise<void> {
      const s = await session(token);
      await db.transaction().execute(async (trx) => {
        if (!(await revokeSession(trx, sha256(token), clock())) || !s) return;
        await appendEvent(trx, {
          at: clock(),
          actor: s.actor.label,
          action: 'session.sign_out',
          entity: 'user',
          entityId: s.actor.userId ?? 0,
        });
      });
    },

    /** Revokes every session of a user: the user themself ("sign out everywhere") or an admin. */
    async revokeAll(actor: Actor, userId: number): Promise<number> {
      if (actor.userId !== userId) authorize(actor, 'user.manage');
      return db.transaction().execute(async (trx) => {
        if (!(await findUserById(trx, userId))) throw new CandorError('not_found', `no user ${userId}`);
        const n = await revokeUserSessions(trx, userId, clock());
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'session.revoke_all',
          entity: 'user',
          entityId: userId,
          after: { sessions: n },
        });
        return n;
      });
    },

    async liveSessions(actor: Actor): Promise<Map<number, number>> {
      authorize(actor, 'user.manage');
      return liveSessionCounts(db, clock());
    },

    /** Changes one's own password; other sessions end, this one is replaced. */
    async changePassword(actor: Actor, current: string, next: string, userAgent?: string): Promise<string> {
      const u = actor.userId !== null ? await findUserById(db, actor.userId) : undefined;
      if (!u) throw new CandorError('unauthenticated', 'sign in first');
      if (!u.password_hash || !(await verifyPassword(current, u.password_hash))) {
        throw new CandorError('invalid', 'the current password is wrong', [
          { field: 'current', message: 'does not match your current password' },
        ]);
      }
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
        return newSession(trx, u.id, 'signed_in', userAgent);
      });
    },

    /** A fresh TOTP secret to show during enrolment (not stored until a code from it is confirmed). */
    newTotpSecret(email: string, issuer = 'Candor') {
      const s = base32Encode(randomBytes(20));
      return { secret: s, uri: otpauthUri(s, email, issuer) };
    },

    /** Turns on the second factor once the user proves their app holds the secret. */
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
      await db.transaction().execute(async (trx) => {
        await setTotpSecret(trx, userId, secretBase32);
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

    /** Turns the second factor off: for oneself, or by an admin for someone who lost their device. */
    async disableTotp(actor: Actor, userId: number): Promise<void> {
      if (actor.userId !== userId) authorize(actor, 'user.manage');
      await db.transaction().execute(async (trx) => {
        if (!(await findUserById(trx, userId))) throw new CandorError('not_found', `no user ${userId}`);
        await setTotpSecret(trx, userId, null);
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'user.totp_disable',
          entity: 'user',
          entityId: userId,
        });
      });
    },

    /**
     * The first-run link's token, when the database has no user yet (a new one each call; older ones stay
     * valid until they expire or one is used). Null once anyone exists.
     */
    async firstRunToken(): Promise<string | null> {
      if ((await countUsers(db)) > 0) return null;
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
      const t = await findSetupToken(db, sha256(token));
      if (!t || t.used_at || t.expires_at.getTime() <= clock().getTime()) return null;
      if (t.user_id === null) return (await countUsers(db)) > 0 ? null : { email: null };
      const u = await findUserById(db, t.user_id);
      return u && !u.disabled_at ? { email: u.email } : null;
    },

    /** Uses a setup link once: creates the first admin (or sets the user's password) and signs them in. */
    async completeSetup(token: string, email: string | null, password: string, userAgent?: string) {
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
        return newSession(trx, u.id, 'signed_in', userAgent);
      });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

/** The one-time link printed by `candor serve` on an empty database, or null when users exist. */
export async function firstRunLink(services: { auth: AuthService }, baseUrl: string): Promise<string | null> {
  const token = await services.auth.firstRunToken();
  return token ? `${baseUrl.replace(/\/$/, '')}/setup/${token}` : null;
}
