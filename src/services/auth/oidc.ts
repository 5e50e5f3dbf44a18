import * as oidc from 'openid-client';
import type { Config, OidcConfig } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { UserRow } from '../../db/schema.ts';
import type { Role } from '../../domain/vocabulary.ts';
import type { KeyringSource } from '../../keys/source.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  findUserByEmail,
  findUserByOidc,
  insertUser,
  linkOidc,
} from '../../repositories/users-repository.ts';
import type { Clock } from '../requests.ts';
import { MINUTE } from './policy.ts';
import { actorOf, type Sessions } from './sessions.ts';

/** How long a browser may take at the provider between leaving Candor and coming back. */
export const OIDC_LOGIN_MINUTES = 10;

/** What the browser carries between the start and the callback, sealed (encrypted and authenticated). */
interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Expiry, epoch ms. */
  exp: number;
}

const SEAL_CONTEXT = 'oidc-login';

export type OidcRefusal =
  | 'not_configured'
  | 'expired'
  | 'failed'
  | 'unknown_user'
  | 'unverified_email'
  | 'no_email'
  | 'disabled'
  | 'locked'
  | 'taken';

export type OidcResult =
  | { kind: 'signed_in'; token: string; next: string }
  | { kind: 'refused'; reason: OidcRefusal; email?: string };

/** Roles, strongest first: a user whose claim names several gets the first of them. */
const PRECEDENCE: readonly Role[] = ['admin', 'approver', 'publisher', 'handler', 'viewer'];

/** The role the provider's claim maps to (`CANDOR_OIDC_ROLE_CLAIM`, `CANDOR_OIDC_ROLE_MAP`), or null. */
export function mappedRole(
  c: Pick<OidcConfig, 'roleClaim' | 'roleMap'>,
  claims: Record<string, unknown>,
): Role | null {
  const raw = claims[c.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  const roles = new Set<Role>();
  for (const v of values) {
    const role = c.roleMap
      ? c.roleMap.get(v)
      : (PRECEDENCE as readonly string[]).includes(v)
        ? (v as Role)
        : undefined;
    if (role) roles.add(role);
  }
  return PRECEDENCE.find((r) => roles.has(r)) ?? null;
}

/** Loopback issuers (a provider in a test, or on the same host) may speak plain HTTP; others must use HTTPS. */
const loopback = (u: URL) =>
  u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE, via `openid-client`). The session it
 * opens is an ordinary Candor session (`sessions.newSession`), marked as opened by the provider.
 *
 * Who may come in: the user linked to the provider's identity (issuer + subject); on a first sign-in, the
 * existing user with the same e-mail when `linkByEmail` is on and the provider says the address is verified;
 * otherwise a new user when `provision` is on (role from the claim, else viewer). Everyone else is refused,
 * and the refusal is in the audit log.
 */
export function createOidc(deps: {
  db: Db;
  clock: Clock;
  keys: KeyringSource;
  sessions: Sessions;
  config: Pick<Config, 'oidc' | 'publicUrl' | 'host' | 'port'>;
}) {
  const { db, clock, keys, sessions } = deps;
  const settings = deps.config.oidc;
  let discovered: Promise<oidc.Configuration> | null = null;

  /** The provider's metadata, discovered once (again after a failure). */
  function provider(c: OidcConfig): Promise<oidc.Configuration> {
    discovered ??= (async () => {
      const issuer = new URL(c.issuer);
      const insecure = loopback(issuer);
      const conf = await oidc.discovery(
        issuer,
        c.clientId,
        undefined,
        c.clientSecret ? oidc.ClientSecretPost(c.clientSecret) : oidc.None(),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      return conf;
    })().catch((e: unknown) => {
      discovered = null;
      throw e;
    });
    return discovered;
  }

  function redirectUrl(c: OidcConfig): string {
    if (c.redirectUrl) return c.redirectUrl;
    const cfg = deps.config;
    const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
    const base = cfg.publicUrl ? cfg.publicUrl.replace(/\/$/, '') : `http://${host}:${cfg.port}`;
    return `${base}/login/oidc/callback`;
  }

  async function refuse(
    reason: OidcRefusal,
    detail: Record<string, unknown>,
    user?: UserRow,
  ): Promise<OidcResult> {
    await db.transaction().execute((trx) =>
      appendEvent(trx, {
        at: clock(),
        actor: 'system:oidc',
        action: 'session.sign_in_refused',
        entity: user ? 'user' : 'oidc',
        entityId: user ? user.id : String(detail.subject ?? ''),
        after: { how: 'oidc', reason, ...detail },
      }),
    );
    return { kind: 'refused', reason, ...(typeof detail.email === 'string' ? { email: detail.email } : {}) };
  }

  return {
    /** Whether single sign-on is configured, and the name on its button. */
    oidcName: settings ? settings.name : null,

    /**
     * The provider's authorization URL for a new sign-in, and the sealed value the browser keeps until it comes
     * back (state, nonce and PKCE verifier never leave the server in the clear).
     */
    async oidcStart(next: string): Promise<{ url: string; pending: string } | null> {
      if (!settings) return null;
      const conf = await provider(settings);
      const verifier = oidc.randomPKCECodeVerifier();
      const p: PendingLogin = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier,
        next,
        exp: clock().getTime() + OIDC_LOGIN_MINUTES * MINUTE,
      };
      const url = oidc.buildAuthorizationUrl(conf, {
        redirect_uri: redirectUrl(settings),
        scope: settings.scopes,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: p.state,
        nonce: p.nonce,
      });
      return { url: url.href, pending: keys.seal(JSON.stringify(p), SEAL_CONTEXT) };
    },

    /**
     * The callback: checks state, exchanges the code with the PKCE verifier, checks the ID token (signature,
     * issuer, audience, nonce), reads the claims (ID token, then userinfo), and opens a session for the user
     * the identity belongs to, or refuses. `query` is the callback's query string as received.
     */
    async oidcFinish(
      query: string,
      pendingSealed: string | undefined,
      userAgent?: string,
    ): Promise<OidcResult> {
      if (!settings) return { kind: 'refused', reason: 'not_configured' };
      let p: PendingLogin;
      try {
        p = JSON.parse(keys.open(pendingSealed ?? '', SEAL_CONTEXT).toString('utf8')) as PendingLogin;
      } catch {
        return { kind: 'refused', reason: 'expired' };
      }
      if (p.exp <= clock().getTime()) return { kind: 'refused', reason: 'expired' };
      const conf = await provider(settings);
      let claims: Record<string, unknown>;
      try {
        const callback = new URL(redirectUrl(settings));
        callback.search = query;
        const tokens = await oidc.authorizationCodeGrant(conf, callback, {
          pkceCodeVerifier: p.verifier,
          expectedState: p.state,
          expectedNonce: p.nonce,
          idTokenExpected: true,
        });
        const id = tokens.claims()!;
        let info: Record<string, unknown> = {};
        if (tokens.access_token) {
          info = await oidc.fetchUserInfo(conf, tokens.access_token, id.sub).catch(() => ({}));
        }
        claims = { ...info, ...id };
      } catch (e) {
        return refuse('failed', { error: e instanceof Error ? e.message.slice(0, 300) : 'unknown' });
      }
      const issuer = String(claims.iss);
      const subject = String(claims.sub);
      const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase().slice(0, 320) : '';
      const verified = claims.email_verified === true;
      const detail = { issuer, subject, ...(email ? { email } : {}) };

      let user = await findUserByOidc(db, issuer, subject);
      let via: 'linked' | 'link_by_email' | 'provisioned' = 'linked';
      if (!user) {
        const same = email ? await findUserByEmail(db, email) : undefined;
        if (same) {
          if (!settings.linkByEmail) return refuse('unknown_user', detail);
          if (!verified) return refuse('unverified_email', detail);
          if (same.oidc_subject !== null) return refuse('taken', detail, same);
          user = same;
          via = 'link_by_email';
        } else if (settings.provision) {
          if (!email) return refuse('no_email', detail);
          via = 'provisioned';
        } else {
          return refuse('unknown_user', detail);
        }
      }
      if (user?.disabled_at) return refuse('disabled', detail, user);
      if (user?.locked_until && user.locked_until.getTime() > clock().getTime())
        return refuse('locked', detail, user);

      const role = mappedRole(settings, claims);
      const existing = user;
      const r = await db.transaction().execute(async (trx) => {
        const now = clock();
        let u = existing;
        if (!u) {
          u = await insertUser(trx, email, role ?? 'viewer');
          await appendEvent(trx, {
            at: now,
            actor: 'system:oidc',
            action: 'user.create',
            entity: 'user',
            entityId: u.id,
            after: { email, role: u.role, via: 'oidc', issuer, subject, role_claim: role },
          });
        }
        if (via !== 'linked') {
          if (!(await linkOidc(trx, u.id, issuer, subject))) return null;
          await appendEvent(trx, {
            at: now,
            actor: 'system:oidc',
            action: 'user.oidc_link',
            entity: 'user',
            entityId: u.id,
            after: { issuer, subject, via },
          });
        }
        const token = await sessions.newSession(trx, u.id, 'signed_in', userAgent, 'oidc');
        await appendEvent(trx, {
          at: now,
          actor: actorOf(u).label,
          action: 'session.sign_in',
          entity: 'user',
          entityId: u.id,
          after: { how: 'oidc', issuer, subject, via },
        });
        return token;
      });
      if (!r) return refuse('taken', detail, existing);
      return { kind: 'signed_in', token: r, next: p.next };
    },
  };
}
