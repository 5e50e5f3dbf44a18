import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';

// Single sign-on against a real OpenID Connect provider (`oidc-provider`, with its development login and
// consent screens) on a random local port. Candor is driven through fastify's inject; the browser's visits to
// the provider are real HTTP requests carrying the provider's cookies, so the whole authorization code + PKCE
// round trip runs as a browser would make it.

const REDIRECT = 'http://127.0.0.1:3000/login/oidc/callback';
const accounts: Record<string, Record<string, unknown>> = {
  ana: { sub: 'ana', email: 'ana@example.com', email_verified: true },
  eve: { sub: 'eve', email: 'eve@example.com', email_verified: true },
  bob: {
    sub: 'bob',
    email: 'bob@example.com',
    email_verified: true,
    candor_role: ['legal-approvers', 'staff'],
  },
  carl: { sub: 'carl', email: 'carl@example.com', email_verified: true },
  mallory: { sub: 'mallory', email: 'ana@example.com', email_verified: false },
};

let t: TestDb;
let idp: Server;
let issuer: string;
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  idp = createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'candor',
        client_secret: 'candor-test-secret',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['candor_role'] },
    findAccount: async (_ctx: unknown, id: string) =>
      accounts[id] ? { accountId: id, claims: async () => accounts[id]! } : undefined,
    cookies: { keys: ['test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  idp.on('request', provider.callback());
}, 60_000);
afterAll(async () => {
  idp?.closeAllConnections();
  await new Promise((r) => idp?.close(r));
  await t?.close();
});

function candor(env: Record<string, string>): { app: Promise<FastifyInstance>; s: Services } {
  const config = Object.freeze({
    ...loadConfig({
      CANDOR_DATA_DIR: '/nonexistent-candor-test',
      CANDOR_OIDC_ISSUER: issuer,
      CANDOR_OIDC_CLIENT_ID: 'candor',
      CANDOR_OIDC_CLIENT_SECRET: 'candor-test-secret',
      CANDOR_OIDC_REDIRECT_URL: REDIRECT,
      ...env,
    }),
    secretKey: testConfig.secretKey,
    storage: testConfig.storage,
  });
  const s = createServices({ db: t.db, config, clock: () => new Date() });
  return { app: buildApp({ config, services: s }), s };
}

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

/** A browser at the provider: follows its redirects, keeps its cookies, signs in as `login` and consents. */
async function atProvider(start: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  let body: URLSearchParams | undefined;
  for (let i = 0; i < 20; i++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const at = kv!.indexOf('=');
      jar.set(kv!.slice(0, at), kv!.slice(at + 1));
    }
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (next.startsWith(REDIRECT)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (!/\/interaction\//.test(url))
      throw new Error(`unexpected page at the provider: ${res.status} ${html}`);
    // The development interactions: a login form, then a consent form, both posted back to the same URL.
    body = /name="login"/.test(html)
      ? new URLSearchParams({ prompt: 'login', login, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' });
  }
  throw new Error('too many redirects at the provider');
}

/** Signs in through Candor's single sign-on as `login`: the callback's answer and its session cookie. */
async function signIn(app: FastifyInstance, login: string) {
  const start = await app.inject({ method: 'GET', url: '/login/oidc?next=/requests' });
  expect(start.statusCode).toBe(303);
  const pending = cookieOf(start.headers['set-cookie'], 'candor_oidc');
  expect(String(start.headers['set-cookie'])).toMatch(/candor_oidc=[^;]+;.*SameSite=Lax/);
  const authUrl = new URL(String(start.headers.location));
  expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
  const back = new URL(await atProvider(authUrl.href, login));
  const done = await app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    headers: { cookie: pending ?? '' },
  });
  return { done, session: cookieOf(done.headers['set-cookie'], 'candor_session') };
}

describe('single sign-on with OpenID Connect', () => {
  it('refuses someone without a Candor account when provisioning is off, with a clear page and an audit event', async () => {
    const app = await candor({}).app;
    const { done, session } = await signIn(app, 'eve');
    expect(done.statusCode).toBe(403);
    expect(done.body).toContain('there is no Candor account for you');
    expect(session).toBeUndefined();
    const refused = await t.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'session.sign_in_refused')
      .execute();
    expect(refused.map((e) => (e.after as { reason: string }).reason)).toContain('unknown_user');
    expect(
      await t.db.selectFrom('users').select('id').where('email', '=', 'eve@example.com').execute(),
    ).toEqual([]);
    await app.close();
  });

  it('links an existing user by verified e-mail only when configured, then signs her in to a live session', async () => {
    const off = candor({});
    await off.s.users.add(admin, 'ana@example.com', 'handler');
    const appOff = await off.app;
    expect((await signIn(appOff, 'ana')).done.statusCode).toBe(403);
    await appOff.close();

    const on = await candor({ CANDOR_OIDC_LINK_BY_EMAIL: 'true' }).app;
    // The same address, but the provider does not vouch for it: not linked.
    const unverified = await signIn(on, 'mallory');
    expect(unverified.done.statusCode).toBe(403);
    expect(unverified.done.body).toContain('does not say the address is verified');

    const { done, session } = await signIn(on, 'ana');
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('url=/requests');
    expect(session).toBeDefined();
    const page = await on.inject({ method: 'GET', url: '/requests', headers: { cookie: session! } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ana@example.com');
    const ana = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'ana@example.com')
      .executeTakeFirstOrThrow();
    expect(ana).toMatchObject({ oidc_issuer: issuer, oidc_subject: 'ana', role: 'handler' });
    const events = await t.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity', '=', 'user')
      .where('entity_id', '=', String(ana.id))
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.oidc_link', 'session.sign_in']),
    );
    expect(events.at(-1)!.after).toMatchObject({ how: 'oidc', via: 'link_by_email' });
    await on.close();
  });

  it('provisions unknown people when turned on, with the role the claim maps to, else viewer', async () => {
    const app = await candor({
      CANDOR_OIDC_PROVISION: 'true',
      CANDOR_OIDC_ROLE_MAP: 'legal-approvers=approver',
    }).app;
    const bob = await signIn(app, 'bob');
    expect(bob.done.statusCode).toBe(200);
    const carl = await signIn(app, 'carl');
    expect(carl.done.statusCode).toBe(200);
    const roles = await t.db
      .selectFrom('users')
      .select(['email', 'role'])
      .where('email', 'in', ['bob@example.com', 'carl@example.com'])
      .orderBy('email')
      .execute();
    expect(roles).toEqual([
      { email: 'bob@example.com', role: 'approver' },
      { email: 'carl@example.com', role: 'viewer' },
    ]);
    await app.close();
  });

  it('refuses every password door when local passwords are off', async () => {
    const { s, app } = candor({ CANDOR_LOCAL_PASSWORDS: 'false' });
    expect(await s.auth.signIn('ana@example.com', 'whatever-password', '127.0.0.1')).toEqual({
      kind: 'refused',
      reason: 'passwords_off',
    });
    const login = await (await app).inject({ method: 'GET', url: '/login' });
    expect(login.body).toContain('/login/oidc');
    expect(login.body).not.toContain('name="password"');
    await (await app).close();
  });

  it('sends a local account without a second factor to enrol when an admin requires one; SSO sessions are not', async () => {
    const { s, app: appP } = candor({});
    const app = await appP;
    const { user } = await s.users.add(admin, 'pat@example.com', 'handler');
    const link = await s.auth.passwordLinkToken(admin, user.id);
    const token = await s.auth.completeSetup(link, null, 'a long enough passphrase');
    const cookie = `candor_session=${token}`;
    expect((await app.inject({ method: 'GET', url: '/requests', headers: { cookie } })).statusCode).toBe(200);
    await s.auth.requireSecondFactor(admin, true);
    const sent = await app.inject({ method: 'GET', url: '/requests', headers: { cookie } });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/account/totp?required=1');
    const enrol = await app.inject({ method: 'GET', url: '/account/totp', headers: { cookie } });
    expect(enrol.statusCode).toBe(200);
    expect(enrol.body).toContain('requires a second factor');
    // Ana signs in through the provider: her session is not sent to enrol.
    const on = await candor({ CANDOR_OIDC_LINK_BY_EMAIL: 'true' }).app;
    const sso = await signIn(on, 'ana');
    expect(
      (await on.inject({ method: 'GET', url: '/requests', headers: { cookie: sso.session! } })).statusCode,
    ).toBe(200);
    await s.auth.requireSecondFactor(admin, false);
    await on.close();
    await app.close();
  });
});
