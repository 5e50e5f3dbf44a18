import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { base32Decode, hotp, timeStep } from '../../src/domain/totp.ts';
import { buildApp } from '../../src/http/app.ts';
import { AUTH_POLICY, firstRunLink, sha256 } from '../../src/services/auth.ts';
import type { Services } from '../../src/services/index.ts';
import { SECURITY_HEADERS } from '../../src/web/web-app.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { PASSWORD, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const clock = testClock('2026-03-02T09:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('first run', () => {
  it('prints a one-time link that creates the first admin and works once', async () => {
    const link = await firstRunLink(s, 'http://127.0.0.1:3000/');
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/setup\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(link as string).pathname;
    const web = new WebClient(app);
    expect((await web.get(path)).body).toContain('Create the first administrator');
    const bad = await web.post(path, { email: 'root@example.com', password: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('use at least 12 characters');
    expect(bad.body).toContain('value="root@example.com"');
    const ok = await web.post(path, { email: 'root@example.com', password: PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect((await web.get('/admin')).body).toContain('root@example.com');

    const again = new WebClient(app);
    expect((await again.get(path)).statusCode).toBe(404);
    await again.get('/login');
    expect((await again.post(path, { email: 'evil@example.com', password: PASSWORD })).statusCode).toBe(404);
    expect(await firstRunLink(s, 'http://127.0.0.1:3000')).toBeNull();
  });

  it('refuses an expired link', async () => {
    const admin = await userWithPassword(s, 'viewer');
    const token = await s.auth.passwordLinkToken(actor('admin'), admin.id);
    clock.advanceDays(1.01);
    expect((await new WebClient(app).get(`/setup/${token}`)).statusCode).toBe(404);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and stores only its hash', async () => {
    const u = await userWithPassword(s, 'handler');
    const web = new WebClient(app);
    const res = await web.signIn(u.email);
    expect(res.statusCode).toBe(303);
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('candor_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const token = web.cookies.get('candor_session') as string;
    const rows = await t.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.map((r) => r.id_hash)).toContain(sha256(token));
    expect(rows.map((r) => r.id_hash)).not.toContain(token);
  });

  it('marks the cookie Secure behind a trusted https proxy', async () => {
    const proxied = await buildApp({ config: { ...testConfig, trustProxy: true }, services: s });
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(proxied, { 'x-forwarded-proto': 'https' });
    const res = await web.signIn(u.email);
    expect([res.headers['set-cookie']].flat().join('\n')).toMatch(/candor_session=[^;]+;.*Secure/);
    await proxied.close();
    expect(loadConfig({ CANDOR_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const u = await userWithPassword(s, 'viewer');
    const res = await new WebClient(app).signIn(u.email, 'wrong password!!');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('The e-mail or password is not right.');
    const unknown = await new WebClient(app).signIn('nobody@example.com', 'wrong password!!');
    expect(unknown.body).toContain('The e-mail or password is not right.');
  });

  it('follows only same-site paths after sign-in', async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    await web.get('/login');
    const res = await web.post('/login?next=//evil.example/x', { email: u.email, password: PASSWORD });
    expect(res.headers.location).toBe('/');
    const web2 = new WebClient(app);
    await web2.get('/login');
    const res2 = await web2.post('/login?next=%2Frequests%3Fq%3DA', { email: u.email, password: PASSWORD });
    expect(res2.headers.location).toBe('/requests?q=A');
  });

  it('sends the security headers on every web page', async () => {
    const res = await new WebClient(app).get('/login');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers[k]).toBe(v);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.body).not.toMatch(/<script>|<style|style="/);
    const missing = await new WebClient(app).get('/no-such-page');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(missing.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
    expect((await app.inject({ url: '/api/v1/nope' })).json().error.code).toBe('not_found');
  });
});

describe('rate limit', () => {
  it(`refuses an account after ${AUTH_POLICY.maxFailuresPerAccount} failures, even with the right password`, async () => {
    const u = await userWithPassword(s, 'viewer');
    for (let i = 0; i < AUTH_POLICY.maxFailuresPerAccount; i++) {
      expect((await new WebClient(app).signIn(u.email, 'not the password')).statusCode).toBe(401);
    }
    const res = await new WebClient(app).signIn(u.email);
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('Too many failed attempts');
    clock.advanceDays(AUTH_POLICY.failureWindowMinutes / 1440 + 0.001);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(303);
  });

  it(`refuses an address after ${AUTH_POLICY.maxFailuresPerIp} failures across accounts`, async () => {
    const u = await userWithPassword(s, 'viewer');
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const proxied = await buildApp({ config: { ...testConfig, trustProxy: true }, services: s });
    for (let i = 0; i < AUTH_POLICY.maxFailuresPerIp; i++) {
      await new WebClient(proxied, from('203.0.113.9')).signIn(`guess-${i}@example.com`, 'nope nope nope');
    }
    expect((await new WebClient(proxied, from('203.0.113.9')).signIn(u.email)).statusCode).toBe(429);
    expect((await new WebClient(proxied, from('198.51.100.7')).signIn(u.email)).statusCode).toBe(303);
    await proxied.close();
  });
});

describe('CSRF', () => {
  it('refuses a state-changing form without the session token, and changes nothing', async () => {
    const u = await userWithPassword(s, 'handler');
    const web = new WebClient(app);
    await web.signIn(u.email);
    const input = requestFactory();
    const fields = {
      external_ref: input.external_ref,
      received_at: '2026-01-10T09:30',
      process_type: 'subpoena',
      'agency.name': 'Csrf Agency',
      'agency.kind': 'law_enforcement',
      'agency.level': 'federal',
      'agency.country': 'US',
    };
    for (const bad of [{ csrf: false }, { csrf: true, token: 'x'.repeat(43) }]) {
      const res = await web.post('/requests', bad.token ? { ...fields, _csrf: bad.token } : fields, {
        csrf: bad.csrf,
      });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('did not come from this site');
    }
    expect(await s.requests.findIdByRef(actor('viewer'), input.external_ref)).toBeUndefined();
    expect((await web.post('/requests', fields)).statusCode).toBe(303);
  });

  it('refuses a sign-in form without the pre-session token (login CSRF)', async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    const res = await web.post('/login', { email: u.email, password: PASSWORD }, { csrf: false });
    expect(res.statusCode).toBe(403);
  });
});

describe('session expiry and revocation', () => {
  it(`ends a session after ${AUTH_POLICY.idleMinutes} idle minutes`, async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    await web.signIn(u.email);
    expect((await web.get('/requests')).statusCode).toBe(200);
    clock.advanceDays((AUTH_POLICY.idleMinutes - 1) / 1440);
    expect((await web.get('/requests')).statusCode).toBe(200);
    clock.advanceDays((AUTH_POLICY.idleMinutes + 1) / 1440);
    const res = await web.get('/requests');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Frequests');
  });

  it(`ends an active session after ${AUTH_POLICY.absoluteHours} hours`, async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    await web.signIn(u.email);
    for (let h = 0; h < AUTH_POLICY.absoluteHours - 1; h++) {
      clock.advanceDays(20 / 1440);
      expect((await web.get('/')).statusCode).toBe(200);
    }
    clock.advanceDays(61 / 1440);
    expect((await web.get('/')).statusCode).toBe(303);
  });

  it('signs out this session, and everywhere', async () => {
    const u = await userWithPassword(s, 'viewer');
    const a = new WebClient(app);
    const b = new WebClient(app);
    await a.signIn(u.email);
    await b.signIn(u.email);
    await a.get('/');
    expect((await a.post('/logout')).headers.location).toBe('/login');
    expect((await a.get('/')).statusCode).toBe(303);
    expect((await b.get('/')).statusCode).toBe(200);
    await a.signIn(u.email);
    await a.get('/account');
    await a.post('/account/sign-out-everywhere');
    expect((await a.get('/')).statusCode).toBe(303);
    expect((await b.get('/')).statusCode).toBe(303);
  });

  it("lets an admin end a user's sessions", async () => {
    const u = await userWithPassword(s, 'handler');
    const admin = await userWithPassword(s, 'admin');
    const user = new WebClient(app);
    await user.signIn(u.email);
    const web = new WebClient(app);
    await web.signIn(admin.email);
    await web.get('/admin');
    const res = await web.post(`/admin/users/${u.id}/revoke-sessions`);
    expect(res.body).toMatch(new RegExp(`[1-9] session\\(s\\) of ${u.email} ended`));
    expect((await user.get('/')).statusCode).toBe(303);
  });

  it('a disabled user is signed out', async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    await web.signIn(u.email);
    await t.db.updateTable('users').set({ disabled_at: clock() }).where('id', '=', u.id).execute();
    expect((await web.get('/')).statusCode).toBe(303);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(401);
  });

  it('an admin disables a user from the admin page (not themselves), and enables them again', async () => {
    const u = await userWithPassword(s, 'handler');
    const admin = await userWithPassword(s, 'admin');
    const user = new WebClient(app);
    await user.signIn(u.email);
    const web = new WebClient(app);
    await web.signIn(admin.email);
    let page = (await web.get('/admin')).body;
    expect(page).toContain(`action="/admin/users/${u.id}/disable"`);
    // No button to disable oneself; posting it anyway is refused with a clear message.
    expect(page).not.toContain(`action="/admin/users/${admin.id}/disable"`);
    const self = await web.post(`/admin/users/${admin.id}/disable`);
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('you cannot disable your own account: another admin must do it');
    expect((await web.get('/admin')).statusCode).toBe(200);

    const res = await web.post(`/admin/users/${u.id}/disable`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${u.email} was disabled.`);
    expect(res.body).toMatch(/[1-9] session\(s\) ended and 1 API token\(s\) revoked/);
    expect(res.body).toContain(
      `${u.email} <span class="tag tag-warn">disabled since ${clock().toISOString().slice(0, 10)} `,
    );
    expect(res.body).toContain(`action="/admin/users/${u.id}/enable"`);
    expect(res.body).not.toContain(`action="/admin/users/${u.id}/token"`);
    expect((await user.get('/')).statusCode).toBe(303);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(401);

    page = (await web.post(`/admin/users/${u.id}/enable`)).body;
    expect(page).toContain(`${u.email} was enabled.`);
    expect(page).toContain(`action="/admin/users/${u.id}/disable"`);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(303);
    const audit = await s.audit.timeline(actor('admin'), 'user', u.id);
    expect(audit.map((e) => e.action).filter((a) => a.startsWith('user.'))).toEqual([
      'user.create',
      'user.password_link',
      'user.password_set',
      'user.disable',
      'user.enable',
    ]);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const u = await userWithPassword(s, 'viewer');
    const a = new WebClient(app);
    const b = new WebClient(app);
    await a.signIn(u.email);
    await b.signIn(u.email);
    await a.get('/account');
    const wrong = await a.post('/account/password', {
      current: 'not it at all',
      password: 'another long passphrase',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('does not match your current password');
    const ok = await a.post('/account/password', { current: PASSWORD, password: 'another long passphrase' });
    expect(ok.headers.location).toBe('/account?done=password');
    expect((await a.get('/')).statusCode).toBe(200);
    expect((await b.get('/')).statusCode).toBe(303);
    expect((await new WebClient(app).signIn(u.email, 'another long passphrase')).statusCode).toBe(303);
  });
});

describe('second factor (TOTP)', () => {
  it('enrols, then asks for a code at sign-in, refusing wrong and replayed codes', async () => {
    const u = await userWithPassword(s, 'approver');
    const web = new WebClient(app);
    await web.signIn(u.email);
    const page = await web.get('/account/totp');
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(page.body)?.[1] as string;
    expect(page.body).toContain(
      `otpauth://totp/Candor%3A${encodeURIComponent(u.email).replace('%40', '%40')}`,
    );
    const code = () => hotp(base32Decode(secret), timeStep(clock()));
    const wrong = await web.post('/account/totp', {
      secret,
      code: code() === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('enter the 6-digit code');
    expect((await web.post('/account/totp', { secret, code: code() })).headers.location).toBe(
      '/account?done=totp',
    );

    clock.advanceDays(1 / 1440);
    const next = new WebClient(app);
    const first = await next.signIn(u.email);
    expect(first.headers.location).toBe('/login/second-factor?next=%2F');
    expect(next.cookies.has('candor_session')).toBe(false);
    // The pending session opens no page.
    expect((await next.get('/')).statusCode).toBe(303);
    await next.get('/login/second-factor');
    expect((await next.post('/login/second-factor', { code: '12345' })).statusCode).toBe(401);
    const good = code();
    expect((await next.post('/login/second-factor', { code: good })).statusCode).toBe(303);
    expect((await next.get('/')).statusCode).toBe(200);

    const replay = new WebClient(app);
    await replay.signIn(u.email);
    await replay.get('/login/second-factor');
    expect((await replay.post('/login/second-factor', { code: good })).statusCode).toBe(401);
  });

  it('an admin can reset a lost second factor', async () => {
    const u = await userWithPassword(s, 'viewer');
    const { secret } = s.auth.newTotpSecret(u.email);
    const me = { label: `user:${u.id}`, userId: u.id, role: 'viewer' as const };
    await s.auth.enableTotp(me, secret, hotp(base32Decode(secret), timeStep(clock())));
    const admin = await userWithPassword(s, 'admin');
    const web = new WebClient(app);
    await web.signIn(admin.email);
    await web.get('/admin');
    expect((await web.post(`/admin/users/${u.id}/disable-totp`)).body).toContain('Second factor reset.');
    expect((await new WebClient(app).signIn(u.email)).headers.location).toBe('/');
  });
});
