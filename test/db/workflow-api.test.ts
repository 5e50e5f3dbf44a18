import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { stateOf } from '../helpers/workflow.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const ids: Record<string, number> = {};
const clock = testClock('2026-01-15T12:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ['handler', 'approver'] as const) {
    const added = await s.users.add(actor('admin'), `${role}@example.com`, role);
    tokens[role] = added.token;
    ids[role] = added.user.id;
  }
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, as = 'handler') {
  const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[as]}` } });
  return { status: res.statusCode, body: res.json() };
}

describe('the workflow through the API', () => {
  it('shows the 2703(h)(2) motion-to-quash deadline on the request, its guidance and the due list', async () => {
    const created = await call(
      'POST',
      '/api/v1/requests',
      requestFactory({ process_type: 'search_warrant', data_sought: ['content'], target_us_person: false }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const quashBy = '2026-01-24T09:30:00.000Z';
    expect(created.body.workflow.motion_to_quash_due_at).toBe(quashBy);
    const guidance = await call('GET', `/api/v1/requests/${created.body.id}/guidance`);
    expect(guidance.body.motion_to_quash_due_at).toBe(quashBy);
    const due = await call('GET', '/api/v1/due?kind=motion_to_quash');
    expect(due.body.items).toContainEqual(
      expect.objectContaining({ request_id: created.body.id, kind: 'motion_to_quash', due_at: quashBy }),
    );
    const usPerson = await call(
      'POST',
      '/api/v1/requests',
      requestFactory({ process_type: 'search_warrant', data_sought: ['content'], target_us_person: true }),
    );
    expect(usPerson.body.workflow.motion_to_quash_due_at).toBeNull();
  });

  it('takes a request from intake to closed', async () => {
    const created = await call(
      'POST',
      '/api/v1/requests',
      requestFactory({ process_type: 'search_warrant', accounts: ['AC9'] }),
    );
    expect(created.status).toBe(201);
    const base = `/api/v1/requests/${created.body.id}`;
    let r = created.body;
    for (const [path, body] of [
      ['/assign', { user_id: ids.handler }],
      ['/transition', { to: 'in_review' }],
      [
        '/response',
        {
          outcome: 'content_produced',
          produced: ['content'],
          accounts: [{ account: 'AC9', result: 'produced' }],
        },
      ],
      ['/transition', { to: 'closed' }],
    ] as const) {
      const res = await call('POST', `${base}${path}`, { version: r.version, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      r = res.body;
    }
    expect(r).toMatchObject({ status: 'closed', outcome: 'content_produced', notice_status: 'pending' });
    expect(r.workflow.response_due_at).toBe('2026-01-20T09:30:00.000Z');
    const guidance = await call('GET', `${base}/guidance`);
    expect(guidance.body.may_compel).toEqual(['basic_subscriber', 'non_content', 'content']);
    const due = await call('GET', '/api/v1/due');
    expect(due.body.items).toContainEqual(
      expect.objectContaining({
        request_id: r.id,
        kind: 'notice_owed',
        rule: expect.stringContaining('notice'),
      }),
    );
  });

  it('answers a refused change with 409 invalid_state and changes nothing', async () => {
    const created = await call('POST', '/api/v1/requests', requestFactory());
    const before = await stateOf(t, created.body.id);
    const res = await call('POST', `/api/v1/requests/${created.body.id}/transition`, {
      version: created.body.version,
      to: 'closed',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_state');
    expect(await stateOf(t, created.body.id)).toEqual(before);
  });

  it('refuses notice through PATCH and POST /notice while an order is in force', async () => {
    const created = await call(
      'POST',
      '/api/v1/requests',
      requestFactory({ outcome: 'non_content_produced', responded_at: '2026-01-12' }),
    );
    const base = `/api/v1/requests/${created.body.id}`;
    const ndo = await call('POST', `${base}/ndos`, {
      version: created.body.version,
      authority: 'sca_2705b',
      expires_at: '2026-06-01',
    });
    expect(ndo.status).toBe(201);
    expect(ndo.body.request.notice_status).toBe('prohibited_by_order');
    const version = ndo.body.request.version;
    const before = await stateOf(t, created.body.id);
    const patched = await call('PATCH', base, { version, notice_status: 'sent' });
    expect(patched.status).toBe(409);
    expect(patched.body.error.code).toBe('invalid_state');
    const noticed = await call('POST', `${base}/notice`, { version, status: 'sent', reason: 'emailed' });
    expect(noticed.status).toBe(409);
    expect(await stateOf(t, created.body.id)).toEqual(before);
  });

  it('shows an approver override on the request', async () => {
    const created = await call('POST', '/api/v1/requests', requestFactory({ process_type: 'subpoena' }));
    const base = `/api/v1/requests/${created.body.id}`;
    const a = await call('POST', `${base}/assign`, { version: created.body.version, user_id: ids.handler });
    const b = await call('POST', `${base}/transition`, { version: a.body.version, to: 'in_review' });
    const body = { version: b.body.version, outcome: 'non_content_produced', produced: ['non_content'] };
    const refused = await call('POST', `${base}/response`, body);
    expect(refused.status).toBe(409);
    const ok = await call(
      'POST',
      `${base}/response`,
      { ...body, override_reason: 'toll records agreed with the customer' },
      'approver',
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.workflow.production_overrides).toMatchObject([
      { beyond: ['non_content'], approver: 'approver@example.com' },
    ]);
  });
});
