import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import { buildApp } from '../../src/http/app.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderText } from '../../src/reports/render/text.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

// Issue 16.2: informal requests, stored vs real-time access and court challenges through every door: the API,
// PATCH, the importer, the workflow action (API and web form) and the report.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
const admin = actor('admin');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-process-fields-'));
const clock = testClock('2026-12-06T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  token = (await s.users.add(admin, 'process-admin@example.com', 'admin')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });
const post = (url: string, payload: object) =>
  app.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(), payload });
const patch = (id: number, payload: object) =>
  app.inject({ method: 'PATCH', url: `/api/v1/requests/${id}`, headers: auth(), payload });
const fields = (res: { json(): { error: { issues: Array<{ field: string }> } } }) =>
  res.json().error.issues.map((i) => i.field);
const referral = {
  name: 'Europol EU Internet Referral Unit',
  kind: 'law_enforcement',
  level: 'supranational',
  country: 'NL',
} as const;

describe('intake and PATCH', () => {
  it('records an informal flagging and refuses legal process on the informal channel, naming the field', async () => {
    const ok = await post('/requests', {
      ...requestFactory({ agency: referral, process_type: 'takedown_request' }),
      channel: 'informal',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().channel).toBe('informal');
    const bad = await post('/requests', {
      ...requestFactory({ agency: referral, process_type: 'search_warrant' }),
      channel: 'informal',
    });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toEqual(['process_type']);
    const moved = await patch(ok.json().id, { version: ok.json().version, process_type: 'court_order' });
    expect(moved.statusCode).toBe(400);
    expect(fields(moved)).toEqual(['process_type']);
    expect((await s.requests.get(admin, ok.json().id)).process_type).toBe('takedown_request');
  });

  it('records wiretaps as prospective, refuses them as stored, and follows a reclassification', async () => {
    const tap = await post('/requests', requestFactory({ process_type: 'wiretap_order' }));
    expect(tap.json().access_mode).toBe('prospective');
    const stored = await post('/requests', {
      ...requestFactory({ process_type: 'pen_register_order' }),
      access_mode: 'stored',
    });
    expect(stored.statusCode).toBe(400);
    expect(fields(stored)).toEqual(['access_mode']);

    const warrant = (
      await post('/requests', {
        ...requestFactory({ process_type: 'search_warrant' }),
        access_mode: 'stored',
      })
    ).json();
    expect(warrant.access_mode).toBe('stored');
    const contradiction = await patch(warrant.id, {
      version: warrant.version,
      process_type: 'wiretap_order',
    });
    expect(fields(contradiction)).toEqual(['access_mode']);
    const cleared = await patch(warrant.id, { version: warrant.version, access_mode: null });
    expect(cleared.json().access_mode).toBeNull();
    const retyped = await patch(warrant.id, {
      version: cleared.json().version,
      process_type: 'wiretap_order',
    });
    expect(retyped.statusCode).toBe(200);
    expect(retyped.json().access_mode).toBe('prospective');
  });
});

describe('the import', () => {
  const header =
    'external_ref,received_at,agency_name,agency_kind,agency_level,country,channel,process_type,access_mode,outcome,challenge_stage,challenge_result,challenge_filed_at,challenge_decided_at';
  const file = (name: string, rows: string[]) => {
    const p = path.join(dir, name);
    writeFileSync(p, [header, ...rows].join('\n') + '\n');
    return p;
  };

  it('brings in informal requests, access modes and a challenge as history', async () => {
    const res = await s.imports.importFile(
      admin,
      file('ok.csv', [
        'IMP-1,2026-02-01,Metropolitan Police,law_enforcement,local,GB,informal,takedown_request,,no_action,,,,',
        'IMP-2,2026-02-02,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,court_order,prospective,,,,,',
        'IMP-3,2026-02-03,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,search_warrant,stored,rejected,appeal,partly_won,2026-02-10,2026-06-01',
        'IMP-4,2026-02-04,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,wiretap_order,,,,,,',
      ]),
    );
    expect(res.created).toBe(4);
    const byRef = async (ref: string) => s.requests.get(admin, (await s.requests.findIdByRef(admin, ref))!);
    expect((await byRef('IMP-1')).channel).toBe('informal');
    expect((await byRef('IMP-2')).access_mode).toBe('prospective');
    expect((await byRef('IMP-4')).access_mode).toBe('prospective');
    expect((await byRef('IMP-3')).court_challenges).toEqual([
      expect.objectContaining({
        stage: 'appeal',
        result: 'partly_won',
        filed_at: '2026-02-10T00:00:00.000Z',
        decided_at: '2026-06-01T00:00:00.000Z',
      }),
    ]);
  });

  it('refuses each bad cell by line and column, and writes nothing', async () => {
    const e = await s.imports
      .importFile(
        admin,
        file('bad.csv', [
          'BAD-1,2026-02-01,Metropolitan Police,law_enforcement,local,GB,informal,search_warrant,,,,,,',
          'BAD-2,2026-02-01,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,wiretap_order,stored,,,,,',
          'BAD-3,2026-02-01,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,subpoena,,,,won,,',
          'BAD-4,2026-02-01,Federal Bureau of Investigation,law_enforcement,federal,US,domestic,subpoena,,,appeal,pending,,2026-03-01',
        ]),
      )
      .then(
        () => new Error('expected the import to fail'),
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(CandorError);
    expect((e as CandorError).issues.map((i) => [i.line, i.field])).toEqual([
      [2, 'process_type'],
      [3, 'access_mode'],
      [4, 'challenge_stage'],
      [5, 'challenge_decided_at'],
    ]);
    expect(await s.requests.findIdByRef(admin, 'BAD-2')).toBeUndefined();
  });
});

describe('the court challenge action', () => {
  it('records each step through the API, in the history in words; bad steps are refused by field', async () => {
    const r = await s.requests.create(
      admin,
      requestInput.parse(
        requestFactory({ process_type: 'search_warrant', outcome: 'rejected', responded_at: '2026-01-20' }),
      ),
    );
    const first = await post(`/requests/${r.id}/challenges`, {
      version: r.version,
      stage: 'motion_filed',
      result: 'pending',
      filed_at: '2026-01-25',
    });
    expect(first.statusCode).toBe(201);
    const v = first.json().request.version;
    expect(first.json().request.court_challenges).toHaveLength(1);

    const stale = await post(`/requests/${r.id}/challenges`, {
      version: r.version,
      stage: 'appeal',
      result: 'won',
    });
    expect(stale.statusCode).toBe(409);
    const pendingDecided = await post(`/requests/${r.id}/challenges`, {
      version: v,
      stage: 'first_instance',
      result: 'pending',
      decided_at: '2026-03-01',
    });
    expect(pendingDecided.statusCode).toBe(400);
    expect(fields(pendingDecided)).toEqual(['decided_at']);
    const future = await post(`/requests/${r.id}/challenges`, {
      version: v,
      stage: 'first_instance',
      result: 'won',
      decided_at: '2027-03-01',
    });
    expect(future.statusCode).toBe(400);
    expect(fields(future)).toEqual(['decided_at']);

    const won = await post(`/requests/${r.id}/challenges`, {
      version: v,
      stage: 'first_instance',
      result: 'won',
      filed_at: '2026-01-25',
      decided_at: '2026-04-01',
    });
    expect(won.statusCode).toBe(201);
    expect(won.json().request.court_challenges.map((c: { stage: string }) => c.stage)).toEqual([
      'motion_filed',
      'first_instance',
    ]);
    const events = (await s.audit.timeline(admin, 'request', r.id)).filter(
      (e) => e.action === 'challenge.record',
    );
    expect(events).toHaveLength(2);
    expect(events[1]!.before).toEqual({ challenge: 'Court challenge at motion filed: pending' });
    expect(events[1]!.after).toMatchObject({ challenge: 'Court challenge at first instance: won' });
  });

  it('refuses an informal request, and a viewer', async () => {
    const informal = await s.requests.create(
      admin,
      requestInput.parse({
        ...requestFactory({ agency: referral, process_type: 'other' }),
        channel: 'informal',
      }),
    );
    const res = await post(`/requests/${informal.id}/challenges`, {
      version: informal.version,
      stage: 'motion_filed',
      result: 'pending',
    });
    expect(res.statusCode).toBe(409);
    expect((await s.requests.get(admin, informal.id)).court_challenges).toEqual([]);
    await expect(
      s.workflow.recordChallenge(actor('viewer'), informal.id, { stage: 'appeal', result: 'won' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('is a form on the request page that shows its errors beside the fields', async () => {
    const r = await s.requests.create(
      admin,
      requestInput.parse(requestFactory({ process_type: 'subpoena' })),
    );
    const handler = await userWithPassword(s, 'handler');
    const web = new WebClient(app);
    await web.signIn(handler.email);
    const page = await web.get(`/requests/${r.id}`);
    expect(page.body).toContain('Record a court challenge');
    const refused = await web.post(`/requests/${r.id}/challenges`, {
      version: String(r.version),
      stage: 'appeal',
      result: 'pending',
      decided_at: '2026-02-01',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(/id="act-challenge"[^>]*open/);
    expect(refused.body).toContain('a pending challenge has no decision date');
    const done = await web.post(`/requests/${r.id}/challenges`, {
      version: String(r.version),
      stage: 'appeal',
      result: 'lost',
      decided_at: '2026-02-01',
    });
    expect(done.statusCode).toBe(303);
    const after = await web.get(`/requests/${r.id}`);
    expect(after.body).toContain('Court challenge: appeal, lost');
    expect(after.body).toContain('Recorded a step of the court challenge');
  });
});

describe('the report', () => {
  it('counts informal requests apart, challenges by their latest step, and access by process type', async () => {
    const r = await computeReport(t.db, {
      period: '2026-H1',
      provider: { name: 'Example Inc.' },
      nsOption: 'a3',
      publicationDate: '2026-12-06',
      now: clock(),
    });
    const tb = r.tables;
    const all = await s.requests.list(admin, {
      filter: {},
      limit: 1000,
      sort: 'received_at',
      dir: 'asc',
    });
    const informal = all.items.filter((x) => x.channel === 'informal').length;
    expect(tb.informal_requests?.requests).toBe(informal);
    expect(tb.summary.requests.count + informal).toBe(all.items.length);
    // IMP-3 (appeal, partly won), the API's (first instance, won: its latest step) and the web's (appeal, lost).
    expect(tb.pushback.court_challenges?.by_stage_result).toEqual([
      { stage: 'first_instance', result: 'won', requests: 1 },
      { stage: 'appeal', result: 'lost', requests: 1 },
      { stage: 'appeal', result: 'partly_won', requests: 1 },
    ]);
    const wiretap = tb.access_mode?.find((x) => x.process_type === 'wiretap_order');
    expect(wiretap).toMatchObject({ stored: 0, not_recorded: 0 });
    expect(wiretap!.prospective).toBe(wiretap!.requests);
    const text = renderText(r);
    expect(text).toContain('Did governments ask us informally?');
    expect(text).toContain('Appeal: partly won (narrowed)');
  });
});
