import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/vocabulary.ts';
import { buildApp } from '../../src/http/app.ts';
import { ACTIONS, type Action } from '../../src/services/authorize.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const tokens = {} as Record<Role, string>;
let existingId = 0;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ROLES)
    tokens[role] = (await s.users.add(actor('admin'), `${role}@example.com`, role)).token;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: { authorization: `Bearer ${tokens.admin}` },
    payload: requestFactory(),
  });
  existingId = res.json().id;
  await s.reports.freeze(actor('admin'), '2026-H1');
  await s.reports.freeze(actor('admin'), '2014-H1');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  url: () => string;
  action: Action;
  body?: () => unknown;
  ok: number;
}

let versionNow = 1;
let freezes = 0;
/** Every /api/v1 route, with the action it needs. */
const routes: Route[] = [
  { method: 'GET', url: () => '/api/v1/requests', action: 'request.read', ok: 200 },
  { method: 'GET', url: () => `/api/v1/requests/${existingId}`, action: 'request.read', ok: 200 },
  { method: 'GET', url: () => `/api/v1/requests/${existingId}/audit`, action: 'request.read', ok: 200 },
  {
    method: 'POST',
    url: () => '/api/v1/requests',
    action: 'request.create',
    body: () => requestFactory(),
    ok: 201,
  },
  {
    method: 'PATCH',
    url: () => `/api/v1/requests/${existingId}`,
    action: 'request.update',
    body: () => ({ version: versionNow, notes: `note ${versionNow}` }),
    ok: 200,
  },
  { method: 'GET', url: () => '/api/v1/audit/verify', action: 'audit.verify', ok: 200 },
  { method: 'GET', url: () => '/api/v1/me', action: 'request.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1?version=1', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1/versions', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1/diff?from=1&to=1', action: 'report.read', ok: 200 },
  {
    method: 'POST',
    // A fresh period each time, so every allowed role freezes a version 1.
    url: () => `/api/v1/reports/2015-01-01..2015-01-${String(++freezes).padStart(2, '0')}/freeze`,
    action: 'report.freeze',
    ok: 201,
  },
  {
    method: 'POST',
    url: () => '/api/v1/reports/2014-H1/correct',
    action: 'report.freeze',
    body: () => ({ reason: 'test', method: 'recomputed' }),
    // Allowed, and refused only because nothing in 2014-H1 changed since version 1.
    ok: 409,
  },
];

describe('every API route, with no token and as every role', () => {
  for (const r of routes) {
    it(`${r.method} ${r.url().replace(/\d+/, ':id')} refuses a missing or wrong token`, async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer cnd_not-a-token' },
        { authorization: tokens.admin },
      ]) {
        const res = await app.inject({
          method: r.method,
          url: r.url(),
          headers,
          payload: r.body?.() as object,
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    });
    for (const role of ROLES) {
      const allowed = (ACTIONS[r.action] as readonly Role[]).includes(role);
      it(`${r.method} ${r.url().replace(/\d+/, ':id')} as ${role}: ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const res = await app.inject({
          method: r.method,
          url: r.url(),
          headers: { authorization: `Bearer ${tokens[role]}` },
          payload: r.body?.() as object,
        });
        if (allowed) {
          expect(res.statusCode, res.body).toBe(r.ok);
          if (r.method === 'PATCH') versionNow = res.json().version;
        } else {
          expect(res.statusCode).toBe(403);
          expect(res.json().error.code).toBe('forbidden');
        }
      });
    }
  }
});

describe('API input', () => {
  const auth = () => ({ authorization: `Bearer ${tokens.handler}` });
  it('refuses an invalid request naming each field, and records nothing', async () => {
    const before = (
      await app.inject({ method: 'GET', url: '/api/v1/requests?limit=500', headers: auth() })
    ).json().items.length;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: auth(),
      payload: {
        ...requestFactory(),
        process_type: 'letter',
        agency: { name: 'X', kind: 'court', level: 'moon', country: 'USA' },
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['process_type', 'agency.level', 'agency.country']));
    const after = (
      await app.inject({ method: 'GET', url: '/api/v1/requests?limit=500', headers: auth() })
    ).json().items.length;
    expect(after).toBe(before);
  });

  it('answers a stale PATCH with 409 and changes nothing', async () => {
    const created = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: auth(),
        payload: requestFactory(),
      })
    ).json();
    const ok = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${created.id}`,
      headers: auth(),
      payload: { version: created.version, notes: 'first' },
    });
    expect(ok.statusCode).toBe(200);
    const stale = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${created.id}`,
      headers: auth(),
      payload: { version: created.version, notes: 'second' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('conflict');
    const now = (
      await app.inject({ method: 'GET', url: `/api/v1/requests/${created.id}`, headers: auth() })
    ).json();
    expect(now.notes).toBe('first');
  });

  it('refuses a bad filter value naming the parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/requests?status=lost', headers: auth() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].field).toContain('status');
  });

  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/v1/requests', '/api/v1/requests/{id}']),
    );
  });
});
