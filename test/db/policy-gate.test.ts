import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { refusal } from '../helpers/workflow.ts';

// One policy gate, every door: the same facts are refused the same way whether they arrive through the API,
// the web form, the service (the CLI's door, see cli.test.ts) or a PATCH.
let t: TestDb;
let s: Services;
let app: FastifyInstance;
let web: WebClient;
const tokens: Record<string, string> = {};
const clock = testClock('2026-02-01T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  for (const role of ['handler', 'admin'] as const) {
    tokens[role] = (await s.users.add(actor('admin'), `gate-${role}@example.com`, role)).token;
  }
  web = new WebClient(app);
  await web.signIn((await userWithPassword(s, 'admin')).email);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function call(method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object, as = 'handler') {
  const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[as]}` } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}
const count = async (ref: string) =>
  (await t.db.selectFrom('requests').select('id').where('external_ref', '=', ref).execute()).length;
const issues = (body: Record<string, unknown>) =>
  ((body.error as { issues?: Array<{ field: string; message: string }> }).issues ?? []).map(
    (i) => `${i.field} ${i.message.split(':')[0]}`,
  );

const subpoenaContent = (over: Partial<RequestInput> = {}) =>
  requestFactory({
    process_type: 'subpoena',
    outcome: 'content_produced',
    responded_at: '2026-01-20',
    ...over,
  });
const noticeDespiteOrder = (over: Partial<RequestInput> = {}) =>
  requestFactory({
    process_type: 'grand_jury_subpoena',
    outcome: 'non_content_produced',
    responded_at: '2026-01-20',
    notice_status: 'sent',
    ndo: { authority: 'sca_2705b', issued_at: '2026-01-10', expires_at: '2099-01-01' },
    ...over,
  });

describe('intake through the API', () => {
  it('refuses content produced on a subpoena, naming the field and the 2703 tier, for every role', async () => {
    for (const as of ['handler', 'admin']) {
      const input = subpoenaContent();
      const res = await call('POST', '/api/v1/requests', input, as);
      expect(res.status).toBe(409);
      expect(issues(res.body)).toEqual(['outcome sca_tier']);
      expect(JSON.stringify(res.body)).toMatch(
        /basic subscriber information only \(18 U\.S\.C\. 2703\(c\)\(2\)\)/,
      );
      expect(await count(input.external_ref)).toBe(0);
    }
  });

  it('refuses notice recorded as sent while a 2705(b) order runs to 2099', async () => {
    const input = noticeDespiteOrder();
    const res = await call('POST', '/api/v1/requests', input);
    expect(res.status).toBe(409);
    expect(issues(res.body)).toEqual(['notice_status notice_held']);
    expect(await count(input.external_ref)).toBe(0);
  });

  it('still records what the gate allows', async () => {
    const res = await call('POST', '/api/v1/requests', subpoenaContent({ outcome: 'non_content_produced' }));
    expect(res.status).toBe(201);
  });
});

describe('PATCH /api/v1/requests/:id', () => {
  it('goes through the same gate: content on a subpoena is refused and nothing changes', async () => {
    const created = await call('POST', '/api/v1/requests', requestFactory({ process_type: 'subpoena' }));
    const id = Number(created.body.id);
    const res = await call('PATCH', `/api/v1/requests/${id}`, {
      version: created.body.version,
      outcome: 'content_produced',
      responded_at: '2026-01-20',
    });
    expect(res.status).toBe(409);
    expect(issues(res.body)).toEqual(['outcome sca_tier']);
    const after = await call('GET', `/api/v1/requests/${id}`);
    expect(after.body).toMatchObject({ outcome: null, version: created.body.version });
  });

  it('refuses changing the process type under a recorded content production', async () => {
    const created = await s.requests.create(
      actor('handler'),
      requestInput.parse(
        requestFactory({
          process_type: 'search_warrant',
          data_sought: ['content'],
          outcome: 'content_produced',
          responded_at: '2026-01-20',
        }),
      ),
    );
    const e = await refusal(
      s.requests.update(actor('admin'), created.id, created.version, { process_type: 'subpoena' }),
    );
    expect(e.code).toBe('invalid_state');
    expect(e.issues.map((i) => i.field)).toEqual(['outcome']);
    // An unrelated change to the same request still goes through.
    await s.requests.update(actor('handler'), created.id, created.version, { notes: 'checked' });
  });
});

describe('the web form', () => {
  it('shows the refusal beside the outcome field and records nothing', async () => {
    await web.get('/requests/new');
    const res = await web.post('/requests', {
      external_ref: 'GATE-WEB-1',
      received_at: '2026-01-20T10:15',
      process_type: 'subpoena',
      'agency.name': 'Gate Agency',
      'agency.kind': 'law_enforcement',
      'agency.level': 'state',
      'agency.country': 'US',
      outcome: 'content_produced',
      responded_at: '2026-01-21T10:15',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/f-outcome[\s\S]*?<p class="error"[^>]*>sca_tier: content is beyond the tier/);
    expect(await count('GATE-WEB-1')).toBe(0);
  });
});
