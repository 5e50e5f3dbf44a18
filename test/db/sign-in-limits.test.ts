import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { base32Decode, hotp, timeStep } from '../../src/domain/totp.ts';
import { buildApp } from '../../src/http/app.ts';
import { AUTH_POLICY } from '../../src/services/auth.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { PASSWORD, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const clock = testClock('2026-03-02T09:00:00Z');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-keys-'));

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Turns the second factor on for a user; returns a function giving the code of a time step. */
async function withTotp(services: Services, u: { id: number; email: string }) {
  const { secret } = services.auth.newTotpSecret(u.email);
  const code = (offset = 0) => hotp(base32Decode(secret), timeStep(clock()) + offset);
  await services.auth.enableTotp({ label: `user:${u.id}`, userId: u.id, role: 'viewer' }, secret, code());
  return { secret, code };
}
const wrong = (right: string) => (right === '000000' ? '111111' : '000000');
const tally = (rs: Array<{ kind: string; reason?: string }>) => {
  const n: Record<string, number> = {};
  for (const r of rs) n[r.reason ?? r.kind] = (n[r.reason ?? r.kind] ?? 0) + 1;
  return n;
};

describe('sign-in limits under concurrency', () => {
  it(`checks at most ${AUTH_POLICY.maxFailuresPerAccount} of 150 parallel wrong passwords for one account`, async () => {
    const u = await userWithPassword(s, 'viewer');
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => s.auth.signIn(u.email, `wrong password ${i}`, `10.1.0.${i}`)),
    );
    // A refusal for bad credentials comes only after a password check; the rest were refused before one.
    expect(tally(results)).toEqual({ bad_credentials: AUTH_POLICY.maxFailuresPerAccount, rate_limited: 145 });
    expect((await s.auth.signIn(u.email, PASSWORD, '10.9.9.9')).kind).toBe('refused');
    clock.set('2026-03-02T09:16:00Z');
    expect((await s.auth.signIn(u.email, PASSWORD, '10.9.9.9')).kind).toBe('signed_in');
  });

  it(`checks at most ${AUTH_POLICY.maxFailuresPerIp} of 150 parallel wrong passwords from one address`, async () => {
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => s.auth.signIn(`nobody-${i}@example.com`, 'wrong', '10.2.0.1')),
    );
    expect(tally(results)).toEqual({ bad_credentials: AUTH_POLICY.maxFailuresPerIp, rate_limited: 120 });
    clock.set('2026-03-02T09:32:00Z');
  });

  it('counts second-factor failures on their own: a correct password does not clear them; the last locks the account', async () => {
    const u = await userWithPassword(s, 'viewer');
    const { code } = await withTotp(s, u);
    const pending = async () => {
      const r = await s.auth.signIn(u.email, PASSWORD, '10.3.0.1');
      expect(r.kind).toBe('second_factor');
      return (r as { token: string }).token;
    };
    let token = await pending();
    for (let i = 0; i < AUTH_POLICY.maxSecondFactorFailures - 1; i++) {
      expect(await s.auth.secondFactor(token, wrong(code()), '10.3.0.1')).toEqual({
        kind: 'refused',
        reason: 'bad_credentials',
      });
    }
    token = await pending(); // the right password again: the code failures still count
    expect(await s.auth.secondFactor(token, wrong(code()), '10.3.0.1')).toEqual({
      kind: 'refused',
      reason: 'locked',
    });
    // Locked: even the right password and code are refused, and the admin sees it.
    expect(await s.auth.signIn(u.email, PASSWORD, '10.3.0.1')).toEqual({ kind: 'refused', reason: 'locked' });
    const listed = (await s.users.list(actor('admin'))).find((x) => x.id === u.id)!;
    expect(listed.locked_until).toBe(
      new Date(clock().getTime() + AUTH_POLICY.lockMinutes * 60_000).toISOString(),
    );
    const events = await s.audit.timeline(actor('admin'), 'user', u.id);
    expect(events.at(-1)).toMatchObject({ action: 'user.lock', actor: 'system:sign-in' });
    const admin = await userWithPassword(s, 'admin');
    const web = new WebClient(app);
    await web.signIn(admin.email);
    expect((await web.get('/admin')).body).toContain('(wrong second-factor codes)');
    // The lock passes with its period.
    clock.set(new Date(clock().getTime() + (AUTH_POLICY.lockMinutes + 1) * 60_000).toISOString());
    token = await pending();
    expect((await s.auth.secondFactor(token, code(), '10.3.0.1')).kind).toBe('signed_in');
  });

  it(`checks at most ${AUTH_POLICY.maxSecondFactorFailures} of 150 parallel wrong codes`, async () => {
    const u = await userWithPassword(s, 'viewer');
    const { code } = await withTotp(s, u);
    const r = await s.auth.signIn(u.email, PASSWORD, '10.4.0.1');
    const token = (r as { token: string }).token;
    const bad = wrong(code());
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => s.auth.secondFactor(token, bad, `10.4.1.${i}`)),
    );
    const n = tally(results);
    expect((n.bad_credentials ?? 0) + (n.locked ?? 0)).toBe(AUTH_POLICY.maxSecondFactorFailures);
    expect(n.locked).toBe(1);
    expect(n.rate_limited).toBe(150 - AUTH_POLICY.maxSecondFactorFailures);
  });
});

describe('turning the second factor off', () => {
  it('needs the password and a current code', async () => {
    clock.set('2026-03-03T09:00:00Z');
    const u = await userWithPassword(s, 'handler');
    const { code } = await withTotp(s, u);
    clock.set('2026-03-03T09:01:00Z');
    const web = new WebClient(app);
    await web.signIn(u.email);
    await web.get('/login/second-factor');
    expect((await web.post('/login/second-factor', { code: code() })).statusCode).toBe(303);
    await web.get('/account');
    const none = await web.post('/account/totp/disable');
    expect(none.statusCode).toBe(400);
    const badCode = await web.post('/account/totp/disable', {
      totp_password: PASSWORD,
      totp_code: wrong(code(1)),
    });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('enter the 6-digit code your app shows now');
    const badPassword = await web.post('/account/totp/disable', {
      totp_password: 'not my password',
      totp_code: code(1),
    });
    expect(badPassword.body).toContain('does not match your password');
    expect(
      (await t.db.selectFrom('users').select('totp_secret').where('id', '=', u.id).executeTakeFirstOrThrow())
        .totp_secret,
    ).not.toBeNull();
    const ok = await web.post('/account/totp/disable', { totp_password: PASSWORD, totp_code: code(1) });
    expect(ok.headers.location).toBe('/account?done=totp-off');
    expect(
      (await t.db.selectFrom('users').select('totp_secret').where('id', '=', u.id).executeTakeFirstOrThrow())
        .totp_secret,
    ).toBeNull();
  });
});

describe('TOTP secrets at rest', () => {
  it('are sealed with the master key; plaintext left by an older Candor is sealed at start-up; rotation re-seals', async () => {
    clock.set('2026-03-04T09:00:00Z');
    // The users above were sealed under the test key, which this server does not hold.
    await t.db.updateTable('users').set({ totp_secret: null }).execute();
    // A server whose master key lives in a key file of its data directory.
    const config = loadConfig({ CANDOR_DATA_DIR: dir });
    const ks = createServices({ db: t.db, config, clock });
    const u = await userWithPassword(ks, 'viewer');
    const { secret, code } = await withTotp(ks, u);
    const stored = async () =>
      (await t.db.selectFrom('users').select('totp_secret').where('id', '=', u.id).executeTakeFirstOrThrow())
        .totp_secret!;
    const first = await stored();
    expect(first).toMatch(/^v1\.[0-9a-f]{16}\./);
    expect(first).not.toContain(secret);
    // Another user's row cannot borrow the sealed secret: it is bound to its user.
    const v = await userWithPassword(ks, 'viewer');
    await t.db.updateTable('users').set({ totp_secret: first }).where('id', '=', v.id).execute();
    clock.set('2026-03-04T09:01:00Z');
    const vp = (await ks.auth.signIn(v.email, PASSWORD, '10.5.0.1')) as { token: string };
    await expect(ks.auth.secondFactor(vp.token, code(), '10.5.0.1')).rejects.toThrow(/does not authenticate/);
    await t.db.updateTable('users').set({ totp_secret: null }).where('id', '=', v.id).execute();

    // Plaintext from before sealing: sealed by the start-up step, and the same codes still work.
    await t.db.updateTable('users').set({ totp_secret: secret }).where('id', '=', u.id).execute();
    expect(await ks.keys.sealPlaintext()).toEqual({
      totp_secrets: 1,
      portal_totp_secrets: 0,
      document_keys: 0,
    });
    const sealed = await stored();
    expect(sealed).toMatch(/^v1\./);
    expect(await ks.keys.sealPlaintext()).toEqual({
      totp_secrets: 0,
      portal_totp_secrets: 0,
      document_keys: 0,
    });
    const signIn = async (services: Services, at: string) => {
      clock.set(at);
      const p = (await services.auth.signIn(u.email, PASSWORD, '10.5.0.2')) as { token: string };
      return (await services.auth.secondFactor(p.token, code(), '10.5.0.2')).kind;
    };
    expect(await signIn(ks, '2026-03-04T09:02:00Z')).toBe('signed_in');

    // Rotation: a new key, every secret re-sealed under it, the old key forgotten.
    const before = sealed.split('.')[1];
    const r = await ks.keys.rotate(actor('admin'), { newKey: true });
    expect(r.keyId).not.toBe(before);
    expect(r).toMatchObject({ resealed: { totp_secrets: 1 }, retired: true });
    expect((await stored()).split('.')[1]).toBe(r.keyId);
    // The running server (this process) and a freshly started one both still sign the user in.
    expect(await signIn(ks, '2026-03-04T09:03:00Z')).toBe('signed_in');
    expect(await signIn(createServices({ db: t.db, config, clock }), '2026-03-04T09:04:00Z')).toBe(
      'signed_in',
    );
    const audit = await ks.audit.timeline(actor('admin'), 'keys', r.keyId);
    expect(audit.map((e) => e.action)).toEqual(['keys.rotate']);
    await expect(ks.keys.rotate(actor('handler'))).rejects.toThrow(/may not keys rotate/);
  });
});
