import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let handlerToken = '';
let adminToken = '';

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-03-01T12:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  handlerToken = (await s.users.add(actor('admin'), 'h@example.com', 'handler')).token;
  adminToken = (await s.users.add(actor('admin'), 'a@example.com', 'admin')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });

describe('notices over the API', () => {
  it('refuses a template with an unknown placeholder, naming the field', async () => {
    const res = await call('PUT', '/api/v1/notice-templates/after_disclosure/en', adminToken, {
      subject: 'Case {{case_number}}',
      body: 'ok',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].field).toBe('subject');
    expect(res.json().error.issues[0].message).toMatch(/unknown placeholder \{\{case_number\}\}/);
  });

  it('refuses an unknown notice kind and a bad contact', async () => {
    expect(
      (await call('PUT', '/api/v1/notice-templates/whenever/en', adminToken, { subject: 'x', body: 'y' }))
        .statusCode,
    ).toBe(400);
    const bad = await call('PUT', '/api/v1/contacts/ACC-X', handlerToken, { email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe('email');
  });

  it('previews, then queues, a notice; answers 409 while an order binds', async () => {
    const free = await call('POST', '/api/v1/requests', handlerToken, {
      ...requestFactory({ accounts: ['API-1'] }),
      process_type: 'search_warrant',
      data_sought: ['content'],
      outcome: 'content_produced',
      responded_at: '2026-02-01',
    });
    const held = await call('POST', '/api/v1/requests', handlerToken, {
      ...requestFactory({ accounts: ['API-2'] }),
      process_type: 'search_warrant',
      data_sought: ['content'],
      outcome: 'content_produced',
      responded_at: '2026-02-01',
      ndo: { authority: 'sca_2705b', expires_at: '2026-12-01' },
    });
    for (const a of ['API-1', 'API-2']) {
      expect(
        (await call('PUT', `/api/v1/contacts/${a}`, handlerToken, { email: `${a}@example.com` })).statusCode,
      ).toBe(200);
    }
    const preview = await call('GET', `/api/v1/requests/${free.json().id}/notices/preview`, handlerToken);
    expect(preview.json()).toMatchObject({ may_send_now: true, messages: [{ to: 'API-1@example.com' }] });
    const sent = await call('POST', `/api/v1/requests/${free.json().id}/notices`, handlerToken, {});
    expect(sent.statusCode).toBe(201);
    expect(sent.json().queued).toHaveLength(1);
    const again = await call('POST', `/api/v1/requests/${free.json().id}/notices`, handlerToken, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().already_queued).toBe(1);

    const heldPreview = await call('GET', `/api/v1/requests/${held.json().id}/notices/preview`, handlerToken);
    expect(heldPreview.json()).toMatchObject({
      may_send_now: false,
      decision: {
        status: 'prohibited_by_order',
        kind: 'after_order_expired',
        due_at: '2026-12-01T00:00:00.000Z',
      },
    });
    const refused = await call('POST', `/api/v1/requests/${held.json().id}/notices`, handlerToken, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('invalid_state');
  });
});

describe('customer contacts in the history', () => {
  it('are hidden from roles that may not see contacts, in the API and on the web page', async () => {
    const created = await call('POST', '/api/v1/requests', handlerToken, {
      ...requestFactory({ accounts: ['HIST-1'] }),
      process_type: 'search_warrant',
      data_sought: ['content'],
      outcome: 'content_produced',
      responded_at: '2026-02-01',
    });
    const id = created.json().id as number;
    await call('PUT', '/api/v1/contacts/HIST-1', handlerToken, {
      email: 'hist.owner@example.com',
      name: 'Hist Owner',
    });
    expect((await call('POST', `/api/v1/requests/${id}/notices`, handlerToken, {})).statusCode).toBe(201);
    const audit = async (token: string) => (await call('GET', `/api/v1/requests/${id}/audit`, token)).body;
    expect(await audit(handlerToken)).toContain('hist.owner@example.com');
    for (const role of ['viewer', 'publisher'] as const) {
      const { token } = await s.users.add(actor('admin'), `hist-${role}@example.com`, role);
      const body = await audit(token);
      expect(body).toContain('notice.queue');
      expect(body).not.toContain('hist.owner@example.com');
      expect(body).toContain('(hidden: customer contact)');
      await expect(s.audit.timeline(actor(role), 'contact', 'HIST-1')).rejects.toThrow(/may not notice read/);
      const web = new WebClient(app);
      const u = await userWithPassword(s, role);
      await web.signIn(u.email);
      const page = await web.get(`/requests/${id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Queued the customer notice');
      expect(page.body).not.toContain('hist.owner@example.com');
    }
  });
});
