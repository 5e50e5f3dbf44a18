import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-03-02T09:00:00Z'));
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ config: testConfig, services: s, logger: { stream } });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the request log', () => {
  it('names route patterns, never a one-time token, an account reference or a search term', async () => {
    const first = await s.auth.firstRunToken();
    const admin = await userWithPassword(s, 'admin');
    const link = await s.auth.passwordLinkToken(actor('admin'), admin.id);
    const { token: api } = await s.users.add(actor('admin'), 'api-reader@example.com', 'handler');
    const web = new WebClient(app);
    await web.get(`/setup/${first}`);
    await web.get(`/setup/${link}?token=${link}`);
    await web.post(`/setup/${link}`, { password: 'short' });
    await web.get(`/reset/${link}`);
    await web.signIn(admin.email);
    await web.get('/requests?q=SECRETSEARCHTERM&country=CA');
    await web.get('/contacts/view?account=ACSECRET42');
    await web.get('/contacts?prefix=ACSECRETPREFIX');
    await app.inject({
      url: '/api/v1/requests?q=SECRETAPISEARCH&account=ACSECRET77',
      headers: { authorization: `Bearer ${api}` },
    });
    const log = lines.join('');
    expect(log).toContain('"route":"/setup/:token"');
    expect(log).toContain('"route":"/requests"');
    for (const secret of [
      first!,
      link,
      api,
      'SECRETSEARCHTERM',
      'ACSECRET',
      'SECRETAPISEARCH',
      admin.email,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('password links', () => {
  it('use CANDOR_PUBLIC_URL, or the configured address, never the Host header of the request', async () => {
    const addLink = async (config: typeof testConfig) => {
      const a = await buildApp({ config, services: s });
      try {
        const admin = await userWithPassword(s, 'admin');
        const web = new WebClient(a, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
        await web.signIn(admin.email);
        await web.get('/admin');
        const res = await web.post(`/admin/users/${admin.id}/password-link`);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain('evil.example');
        return /(https?:\/\/[^<\s]*\/setup\/)[A-Za-z0-9_-]{43}/.exec(res.body)?.[1];
      } finally {
        await a.close();
      }
    };
    expect(await addLink(testConfig)).toBe('http://127.0.0.1:3000/setup/');
    const pub = loadConfig({
      CANDOR_DATA_DIR: '/nonexistent',
      CANDOR_PUBLIC_URL: 'https://candor.example.org/',
    });
    expect(await addLink(pub)).toBe('https://candor.example.org/setup/');
  });
});
