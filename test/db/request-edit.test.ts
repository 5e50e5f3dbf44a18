import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { main } from '../../src/cli/main.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { refusal, stateOf } from '../helpers/workflow.ts';

// Correcting a request's facts in the web app (the PATCH service, its checks and version), and changing a
// user's role at every door without ever leaving no active admin.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const admin = actor('admin');
let handlerEmail = '';
let id = 0;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-03-02T12:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  handlerEmail = (await userWithPassword(s, 'handler', 'hana@example.com')).email;
  id = (
    await s.requests.create(
      admin,
      requestInput.parse(requestFactory({ legal_authority: '18 U.S.C. 2703(c)', accounts: ['AC-EDIT'] })),
    )
  ).id;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const formOf = (html: string, name: string) =>
  new RegExp(`name="${name.replace('.', '\\.')}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe('correcting a request in the web app', () => {
  it('saves only what changed, through the PATCH service, and the history says it in words', async () => {
    const web = new WebClient(app);
    await web.signIn(handlerEmail);
    const page = await web.get(`/requests/${id}/edit`);
    expect(page.statusCode).toBe(200);
    const version = formOf(page.body, 'version')!;
    const res = await web.post(`/requests/${id}/edit`, {
      version,
      'agency.name': 'Drug Enforcement Administration',
      'agency.kind': 'law_enforcement',
      'agency.level': 'federal',
      'agency.country': 'US',
      process_type: 'grand_jury_subpoena',
      legal_authority: '18 U.S.C. 2703(c)(2)',
      received_at: '2026-01-10T09:30',
      data_sought: 'basic_subscriber',
      accounts: 'AC-EDIT',
      notes: 'Agency corrected after a call with the AUSA.',
    });
    expect(res.statusCode).toBe(303);
    const r = await s.requests.get(admin, id);
    expect(r.agency.name).toBe('Drug Enforcement Administration');
    expect(r.legal_authority).toBe('18 U.S.C. 2703(c)(2)');
    expect(r.notes).toBe('Agency corrected after a call with the AUSA.');
    expect(r.received_at).toBe('2026-01-10T09:30:00.000Z');
    const shown = await web.get(`/requests/${id}?done=corrected`);
    expect(shown.body).toContain('The correction was saved');
    expect(shown.body).toContain('Edited the request');
    expect(shown.body).toContain('Drug Enforcement Administration');
    expect(shown.body).toContain('Federal Bureau of Investigation');
    const events = await s.audit.timeline(admin, 'request', id);
    const edit = events.find((e) => e.action === 'request.update');
    expect(Object.keys(edit?.after as object).sort(), JSON.stringify(edit)).toEqual([
      'agency',
      'agency_id',
      'legal_authority',
      'notes',
    ]);
  });

  it('refuses a stale version and a bad field, changing nothing', async () => {
    const web = new WebClient(app);
    await web.signIn(handlerEmail);
    await web.get(`/requests/${id}/edit`);
    const before = await stateOf(t, id);
    const stale = await web.post(`/requests/${id}/edit`, {
      version: '1',
      notes: 'late edit',
      data_sought: 'basic_subscriber',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('changed by someone else');
    const version = String((await s.requests.get(admin, id)).version);
    const bad = await web.post(`/requests/${id}/edit`, {
      version,
      'agency.country': 'USA',
      'agency.name': 'X',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/agency/i);
    expect(await stateOf(t, id)).toEqual(before);
  });

  it('is not offered to a viewer', async () => {
    const web = new WebClient(app);
    await web.signIn((await userWithPassword(s, 'viewer')).email);
    expect((await web.get(`/requests/${id}`)).body).not.toContain(`/requests/${id}/edit`);
    expect((await web.get(`/requests/${id}/edit`)).statusCode).toBe(403);
  });
});

describe('PATCH /api/v1/requests/:id', () => {
  it('leaves out what the patch leaves out (no intake default resets data sought or the accounts)', async () => {
    const { token } = await s.users.add(admin, 'patcher@example.com', 'handler');
    const before = await s.requests.get(admin, id);
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { version: before.version, notes: 'only the notes' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = await s.requests.get(admin, id);
    expect(after.data_sought).toEqual(before.data_sought);
    expect(after.targets).toEqual(before.targets);
    expect(after.channel).toBe(before.channel);
  });
});

describe("a user's role", () => {
  it('changes at every door, and never leaves no active admin', async () => {
    const t2 = await testDatabase();
    try {
      const s2 = servicesFor(t2);
      const { user: root } = await s2.users.add(admin, 'root@example.com', 'admin');
      const { user: ana } = await s2.users.add(admin, 'ana@example.com', 'handler');
      // The last active admin cannot become anything else, nor be disabled: one rule.
      expect((await refusal(s2.users.setRole(admin, root.id, 'viewer'))).code).toBe('invalid_state');
      expect((await refusal(s2.users.disable(admin, root.id))).code).toBe('invalid_state');
      expect((await s2.users.setRole(admin, 'ana@example.com', 'approver')).changed).toBe(true);
      expect((await refusal(s2.users.setRole(admin, ana.id, 'boss'))).code).toBe('invalid');
      // With a second admin, the first may step down.
      await s2.users.setRole(admin, ana.id, 'admin');
      expect((await s2.users.setRole(admin, root.id, 'viewer')).role).toBe('viewer');
      expect((await refusal(s2.users.setRole(admin, ana.id, 'handler'))).code).toBe('invalid_state');
      const events = await s2.audit.timeline(admin, 'user', root.id);
      expect(events.map((e) => e.action)).toContain('user.role');
    } finally {
      await t2.close();
    }
  });

  it('is changed by an admin in the web app, the API and the CLI', async () => {
    const adminUser = await userWithPassword(s, 'admin', 'boss@example.com');
    const target = await userWithPassword(s, 'viewer', 'vera@example.com');
    const web = new WebClient(app);
    await web.signIn(adminUser.email);
    await web.get('/admin');
    const res = await web.post(`/admin/users/${target.id}/role`, { role: 'handler' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('vera@example.com is now handler');
    const self = await web.post(`/admin/users/${adminUser.id}/role`, { role: 'viewer' });
    expect(self.statusCode).toBeLessThan(500);
    const { token } = await s.users.add(admin, 'api-admin@example.com', 'admin');
    const api = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${target.id}/role`,
      headers: { authorization: `Bearer ${token}` },
      payload: { role: 'approver' },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ role: 'approver', was: 'handler', changed: true });
    const bad = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${target.id}/role`,
      headers: { authorization: `Bearer ${token}` },
      payload: { role: 'boss' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role');
    // The CLI parses its arguments the same way; with no database configured it stops at the role check.
    expect(await main(['user', 'role', 'vera@example.com', 'boss'])).not.toBe(0);
  });
});
