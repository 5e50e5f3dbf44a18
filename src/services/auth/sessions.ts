import type { Db } from '../../db/connect.ts';
import type { UserRow } from '../../db/schema.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  findLiveSession,
  insertSession,
  liveSessionCounts,
  revokeSession,
  revokeUserSessions,
  touchSession,
} from '../../repositories/sessions-repository.ts';
import { findUserById } from '../../repositories/users-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { secret, sha256 } from './passwords.ts';
import { AUTH_POLICY, MINUTE } from './policy.ts';

/** A signed-in browser session, as the web layer sees it. */
export interface WebSession {
  actor: Actor;
  email: string;
  csrf: string;
  stage: 'second_factor' | 'signed_in';
  hasSecondFactor: boolean;
  /**
   * A password session of a user without a second factor while the admin setting requires one: the web app
   * lets it reach only the enrolment page (and sign-out) until the user turns one on.
   */
  mustEnrol: boolean;
}

// Writing last_seen on every request would turn every page view into a write; a minute's slack is harmless.
const TOUCH_EVERY_MS = MINUTE;

export const actorOf = (u: Pick<UserRow, 'id' | 'email' | 'role'>): Actor => ({
  label: `user:${u.id} (${u.email})`,
  userId: u.id,
  role: u.role,
});

/** Sessions: opening, looking up, ending. */
export function createSessions(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function newSession(
    trx: Db,
    userId: number,
    stage: 'second_factor' | 'signed_in',
    userAgent: string | undefined,
    method: 'password' | 'oidc' = 'password',
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
      method,
    });
    return token;
  }

  /** The session behind a cookie value, if it is live; refreshes its idle timer. */
  async function session(token: string | undefined): Promise<WebSession | null> {
    if (!token || token.length > 100) return null;
    const idHash = sha256(token);
    const found = await findLiveSession(db, idHash);
    if (!found) return null;
    const { session: s, user: u, requireSecondFactor } = found;
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
      mustEnrol: requireSecondFactor && s.method === 'password' && u.totp_secret === null,
    };
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

  return {
    newSession,
    session,
    signInEvent,

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
  };
}
export type Sessions = ReturnType<typeof createSessions>;
