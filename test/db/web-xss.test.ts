import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let web: WebClient;

/** Script payloads for text nodes, attribute values and URLs. */
export const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror=window.__xss=1>',
  "'><svg onload=window.__xss=1>",
  '</textarea><script>window.__xss=1</script>',
];

/** Markup that only an injection could have put into a page. */
function injected(html: string): string[] {
  return [/<script>window/i, /<img src=x/i, /<svg onload/i, /<\/textarea><script/i]
    .filter((re) => re.test(html))
    .map(String);
}

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-02-01T10:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  const u = await userWithPassword(s, 'admin');
  web = new WebClient(app);
  await web.signIn(u.email);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** Every free-text field of the intake form, filled with a payload. */
function hostileRequest(p: string, i: number) {
  return {
    external_ref: `${p}-${i}`,
    received_at: '2026-01-20T10:00',
    process_type: 'search_warrant',
    'agency.name': `${p} Police`,
    'agency.kind': 'law_enforcement',
    'agency.level': 'local',
    'agency.country': 'US',
    issuer: p,
    legal_authority: p,
    emergency: 'on',
    emergency_basis: p,
    accounts: `${p}-account`,
    identifiers: `${p}-ident => ${p}-account`,
    'ndo.present': 'on',
    'ndo.issuing_court': p,
    'ndo.indefinite': 'on',
    notes: p,
  };
}

describe('no user-controlled text is rendered as markup', () => {
  PAYLOADS.forEach((p, i) => {
    it(`escapes ${JSON.stringify(p)} in every text field of a request, on every page showing it`, async () => {
      await web.get('/requests/new');
      const created = await web.post('/requests', hostileRequest(p, i));
      expect(created.statusCode, created.body.slice(0, 300)).toBe(303);
      const id = Number(/\/requests\/(\d+)/.exec(created.headers.location as string)?.[1]);
      const detail = await web.get(`/requests/${id}`);
      expect(detail.statusCode).toBe(200);
      expect(detail.body).toContain('&lt;');
      expect(injected(detail.body)).toEqual([]);
      const list = await web.get(`/requests?q=${encodeURIComponent(p)}`);
      expect(list.body).toContain(`/requests/${id}`);
      expect(injected(list.body)).toEqual([]);
      // The search box echoes the query inside an attribute.
      expect(list.body).toContain(
        'value="' +
          p
            .replaceAll('&', '&amp;')
            .replaceAll('<', '&lt;')
            .replaceAll('>', '&gt;')
            .replaceAll('"', '&quot;')
            .replaceAll("'", '&#39;') +
          '"',
      );
    });

    it(`escapes ${JSON.stringify(p)} when the form comes back with errors`, async () => {
      await web.get('/requests/new');
      const res = await web.post('/requests', {
        ...hostileRequest(p, 100 + i),
        received_at: p,
        'agency.country': p,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('class="error"');
      expect(injected(res.body)).toEqual([]);
    });
  });

  it('escapes a hostile user e-mail on the admin page and in the header', async () => {
    const email = '"><img/src=x/onerror=window.__xss=1>@evil.example';
    const u = await userWithPassword(s, 'viewer', email);
    const admin = await web.get('/admin');
    expect(admin.body).toContain('&quot;&gt;&lt;img/src=x/onerror=window.__xss=1&gt;@evil.example');
    expect(admin.body).not.toContain('<img/src=x');
    const victim = new WebClient(app);
    await victim.signIn(u.email);
    const page = await victim.get('/account');
    expect(page.body).not.toContain('<img/src=x');
  });

  it('serves agency suggestions as JSON, never HTML', async () => {
    const res = await web.get(`/web/agencies?q=${encodeURIComponent('<script>')}`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.json()[0].name).toBe('<script>window.__xss=1</script> Police');
  });

  it('escapes payloads stored by another door (the API) too', async () => {
    const created = await s.requests.create(actor('admin'), {
      external_ref: 'API-<b>bold</b>',
      received_at: '2026-01-21T00:00:00.000Z',
      agency: { name: '<iframe src=//evil>', kind: 'court', level: 'state', country: 'US' },
      process_type: 'subpoena',
      requester_class: 'government',
      channel: 'domestic',
      emergency: false,
      data_sought: [],
      accounts: [],
      identifiers: [],
    });
    const body = (await web.get(`/requests/${created.id}`)).body;
    expect(body).not.toContain('<iframe');
    expect(body).not.toContain('<b>bold');
  });
});
