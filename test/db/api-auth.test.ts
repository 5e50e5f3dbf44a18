import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
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
const userIds = {} as Record<Role, number>;
let existingId = 0;
let existingUser = 0;

/** Workflow routes change state, so each is walked on requests (and holds, orders) prepared for it. */
const w = {
  transition: 0,
  assign: 0,
  approve: 0,
  verification: 0,
  emergency: 0,
  holds: 0,
  ndos: 0,
  notice: 0,
  respond: [] as number[],
  extend: [] as Array<[number, number]>,
  release: [] as Array<[number, number]>,
  lift: [] as Array<[number, number]>,
  review: [0, 0] as [number, number],
};
const versions = new Map<number, number>();
const statuses = new Map<number, string>();
const v = (id: number) => versions.get(id) ?? 1;
/** Remembers the version (and status) a workflow route answered with. */
function track(json: {
  id?: number;
  version?: number;
  status?: string;
  request?: { id: number; version: number };
}) {
  const r = json.request ?? json;
  if (r.id && r.version) versions.set(r.id, r.version);
  if (json.id && json.status) statuses.set(json.id, json.status);
}

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ROLES) {
    const added = await s.users.add(actor('admin'), `${role}@example.com`, role);
    tokens[role] = added.token;
    userIds[role] = added.user.id;
  }
  const admin = actor('admin');
  const make = async (over: Parameters<typeof requestFactory>[0] = {}) =>
    (await s.requests.create(admin, requestInput.parse(requestFactory(over)))).id;
  const emergency = { process_type: 'emergency_request', emergency: true } as const;
  w.transition = await make();
  w.assign = await make();
  w.approve = await make(emergency);
  await s.workflow.assign(admin, w.approve, { userId: userIds.handler });
  w.verification = await make(emergency);
  w.emergency = await make(emergency);
  w.holds = await make({ process_type: 'preservation_request' });
  w.ndos = await make();
  w.notice = await make();
  for (let i = 0; i < 3; i++) {
    const id = await make();
    await s.workflow.transition(admin, id, { to: 'in_review' });
    w.respond.push(id);
    w.extend.push([w.holds, await s.workflow.addHold(admin, w.holds, {})]);
    w.release.push([w.holds, await s.workflow.addHold(admin, w.holds, {})]);
    w.lift.push([
      w.ndos,
      await s.workflow.addNdo(admin, w.ndos, { authority: 'sca_2705b', expiresAt: null }),
    ]);
  }
  w.review = [w.ndos, await s.workflow.addNdo(admin, w.ndos, { authority: 'nsl_2709c', expiresAt: null })];
  for (const id of Object.values(w).flat(2)) {
    if (id) versions.set(id, (await s.requests.get(admin, id)).version);
  }
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    headers: { authorization: `Bearer ${tokens.admin}` },
    payload: requestFactory(),
  });
  existingId = res.json().id;
  existingUser = (await s.users.add(admin, 'role-target@example.com', 'viewer')).user.id;
  await s.reports.freeze(actor('admin'), '2026-H1', {
    allowPartial: 'a period not ended, for the route walk',
  });
  await s.reports.freeze(actor('admin'), '2014-H1');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  action: Action;
  body?: () => unknown;
  ok: number;
  /** Called with the answer of an allowed call. */
  after?: (json: never) => void;
}

const NEXT: Record<string, string> = {
  received: 'in_review',
  in_review: 'awaiting_information',
  awaiting_information: 'in_review',
};
const post = (
  url: () => string,
  action: Action,
  body: () => unknown,
  after: (json: never) => void = track,
  ok = 200,
): Route => ({
  method: 'POST',
  url,
  action,
  body,
  ok,
  after,
});

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
  {
    method: 'GET',
    url: () => `/api/v1/requests/${existingId}/comments`,
    action: 'request.read',
    ok: 200,
  },
  post(
    () => `/api/v1/requests/${existingId}/comments`,
    'request.comment',
    () => ({ text: 'walked' }),
    () => {},
    201,
  ),
  {
    method: 'GET',
    url: () => `/api/v1/requests/${existingId}/correspondence`,
    action: 'request.read',
    ok: 200,
  },
  post(
    () => `/api/v1/requests/${existingId}/correspondence`,
    'correspondence.record',
    () => ({
      direction: 'sent',
      occurred_at: '2026-01-10T10:00:00Z',
      channel: 'email',
      counterpart: 'SA Walk',
      summary: 'walked',
    }),
    () => {},
    201,
  ),
  { method: 'GET', url: () => '/api/v1/me', action: 'request.read', ok: 200 },
  post(
    () => `/api/v1/requests/${w.transition}/transition`,
    'request.transition',
    () => ({ version: v(w.transition), to: NEXT[statuses.get(w.transition) ?? 'received'] }),
  ),
  post(
    () => `/api/v1/requests/${w.assign}/assign`,
    'request.assign',
    () => ({ version: v(w.assign), user_id: userIds.handler }),
  ),
  post(
    () => `/api/v1/requests/${w.approve}/approve`,
    'request.approve',
    () => ({ version: v(w.approve), purpose: 'emergency_disclosure', note: 'called back' }),
  ),
  post(
    () => `/api/v1/requests/${w.respond[0] ?? 0}/response`,
    'request.respond',
    () => ({ version: v(w.respond[0]!), outcome: 'no_data' }),
    (json) => {
      track(json);
      w.respond.shift();
    },
  ),
  post(
    () => `/api/v1/requests/${w.verification}/emergency/verification`,
    'emergency.record',
    () => ({
      version: v(w.verification),
      attests_danger: true,
      verified_by: 'duty officer',
      called_back_at: '2026-01-15T10:00:00Z',
      number: '+1 202 555 0199',
      number_source: 'agency_directory',
    }),
  ),
  post(
    () => `/api/v1/requests/${w.emergency}/emergency`,
    'emergency.record',
    () => ({ version: v(w.emergency), follow_up_received_at: '2026-01-15T10:00:00Z' }),
  ),
  post(
    () => `/api/v1/requests/${w.holds}/holds`,
    'hold.manage',
    () => ({ version: v(w.holds) }),
    track,
    201,
  ),
  post(
    () => `/api/v1/requests/${w.holds}/holds/${w.extend[0]?.[1] ?? 0}/extend`,
    'hold.manage',
    () => ({ version: v(w.holds) }),
    (json) => {
      track(json);
      w.extend.shift();
    },
  ),
  post(
    () => `/api/v1/requests/${w.holds}/holds/${w.release[0]?.[1] ?? 0}/release`,
    'hold.manage',
    () => ({ version: v(w.holds), reason: 'process_received' }),
    (json) => {
      track(json);
      w.release.shift();
    },
  ),
  post(
    () => `/api/v1/requests/${w.ndos}/ndos`,
    'ndo.manage',
    () => ({ version: v(w.ndos), authority: 'sca_2705b', expires_at: '2027-01-01' }),
    track,
    201,
  ),
  post(
    () => `/api/v1/requests/${w.ndos}/ndos/${w.lift[0]?.[1] ?? 0}/lift`,
    'ndo.manage',
    () => ({ version: v(w.ndos) }),
    (json) => {
      track(json);
      w.lift.shift();
    },
  ),
  post(
    () => `/api/v1/requests/${w.ndos}/ndos/${w.review[1]}/review`,
    'ndo.manage',
    () => ({ version: v(w.ndos) }),
  ),
  post(
    () => `/api/v1/requests/${w.notice}/notice`,
    'notice.record',
    () => ({ version: v(w.notice), status: 'not_possible', reason: 'no contact details on file' }),
  ),
  post(
    () => `/api/v1/requests/${w.notice}/challenges`,
    'challenge.record',
    () => ({ version: v(w.notice), stage: 'motion_filed', result: 'pending' }),
    track,
    201,
  ),
  { method: 'GET', url: () => `/api/v1/requests/${existingId}/guidance`, action: 'request.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/due?horizon_days=30', action: 'request.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/users', action: 'user.manage', ok: 200 },
  {
    method: 'PUT',
    url: () => `/api/v1/users/${existingUser}/role`,
    action: 'user.manage',
    body: () => ({ role: 'viewer' }),
    ok: 200,
  },
  {
    method: 'GET',
    url: () =>
      '/api/v1/due?unassigned=true&overdue=false&process_type=subpoena&agency=fbi&sort=latest&limit=5',
    action: 'request.read',
    ok: 200,
  },
  {
    method: 'POST',
    url: () => '/api/v1/due/bulk',
    action: 'ndo.manage',
    body: () => ({ action: 'mark_reviewed', request_ids: [existingId] }),
    ok: 200,
  },
  {
    method: 'PUT',
    url: () => '/api/v1/contacts/ACC-ROLES',
    action: 'contact.manage',
    body: () => ({ email: 'roles@example.com', language: 'en' }),
    ok: 200,
  },
  { method: 'GET', url: () => '/api/v1/notice-templates', action: 'notice.read', ok: 200 },
  {
    method: 'PUT',
    url: () => '/api/v1/notice-templates/after_disclosure/fr',
    action: 'notice.template',
    body: () => ({ subject: 'Demande concernant {{account}}', body: 'Demande de {{agency}}.' }),
    ok: 200,
  },
  {
    method: 'GET',
    url: () => `/api/v1/requests/${existingId}/notices/preview`,
    action: 'notice.read',
    ok: 200,
  },
  {
    method: 'POST',
    url: () => `/api/v1/requests/${existingId}/notices`,
    action: 'notice.send',
    body: () => ({}),
    ok: 200,
  },
  { method: 'GET', url: () => '/api/v1/notices/failures', action: 'notice.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1?version=1', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1/versions', action: 'report.read', ok: 200 },
  { method: 'GET', url: () => '/api/v1/reports/2026-H1/standards', action: 'report.read', ok: 200 },
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
    it(`${r.method} ${r.url().replace(/\d+/g, ':id')} refuses a missing or wrong token`, async () => {
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
      it(`${r.method} ${r.url().replace(/\d+/g, ':id')} as ${role}: ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const res = await app.inject({
          method: r.method,
          url: r.url(),
          headers: { authorization: `Bearer ${tokens[role]}` },
          payload: r.body?.() as object,
        });
        if (allowed) {
          expect(res.statusCode, res.body).toBe(r.ok);
          if (r.method === 'PATCH') versionNow = res.json().version;
          r.after?.(res.json() as never);
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
