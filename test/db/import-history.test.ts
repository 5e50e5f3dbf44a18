import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import { buildApp } from '../../src/http/app.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderCsv } from '../../src/reports/render/csv.ts';
import { renderMarkdown } from '../../src/reports/render/markdown.ts';
import { renderText } from '../../src/reports/render/text.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// Issue 19.6 / 16.2: history as providers published it, through the importer, the API and PATCH.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
const admin = actor('admin');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-import-history-'));
const clock = testClock('2026-12-06T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  token = (await s.users.add(admin, 'history-admin@example.com', 'admin')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** The CSV example under "History of past periods" in docs/import-format.md, as written there. */
function docsExample(): string {
  const doc = readFileSync(new URL('../../docs/import-format.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## History of past periods'));
  return /```csv\n([\s\S]*?)```/.exec(section)![1]!;
}

async function byRef(ref: string) {
  const id = await s.requests.findIdByRef(admin, ref);
  return s.requests.get(admin, id!);
}

async function importError(p: string): Promise<CandorError> {
  const e = await s.imports.importFile(admin, p).then(
    () => new Error('expected the import to fail'),
    (x: unknown) => x,
  );
  if (e instanceof CandorError) return e;
  throw e;
}

const HEADER = 'external_ref,received_at,agency_name,agency_kind,agency_level,country,process_type';

describe('history of a past period, imported', () => {
  it('reads the documented example without artefacts: nothing pending, no "Other" level', async () => {
    const res = await s.imports.importFile(admin, file('history.csv', docsExample()));
    expect(res.created).toBe(3);

    const unknown = await byRef('H-2014-0001');
    expect(unknown.outcome).toBe('not_recorded');
    expect(unknown.notice_status).toBe('not_recorded');
    expect(unknown.status).toBe('closed');
    expect(unknown.agency.level).toBe('not_recorded');
    expect(unknown.identifier_kind).toBe('device');

    const partial = await byRef('H-2014-0002');
    expect(partial.identifier_kind).toBe('account');
    expect(Object.fromEntries(partial.targets.map((x) => [x.account, x.result]))).toEqual({
      AC01: 'preserved',
      AC02: 'preserved',
      AC03: 'no_data',
    });
    // Answered, its half-year over, no notice column: not recorded, never "pending".
    expect((await byRef('H-2014-0003')).notice_status).toBe('not_recorded');

    // Nothing of it is due work.
    const due = await s.due.list(admin);
    expect(due.filter((d) => d.external_ref.startsWith('H-2014-'))).toEqual([]);

    const report = await computeReport(t.db, {
      period: '2014-H2',
      provider: { name: 'Example Inc.' },
      nsOption: 'a3',
      publicationDate: '2015-01-31',
      now: clock(),
    });
    const tb = report.tables;
    expect(tb.notice.pending).toBe(0);
    expect(tb.notice.not_recorded).toBe(3);
    expect(tb.notice.not_applicable).toBe(0);
    expect(tb.us_by_level.other.requests).toBe(0);
    expect(tb.identifier_kinds?.map((r) => [r.identifier_kind, r.requests])).toEqual([
      ['account', 1],
      ['device', 1],
      ['financial', 1],
    ]);
    // Not recorded is its own outcome, out of pushback and out of the base of the share produced.
    const de = tb.data_produced?.by_country.find((r) => r.country === 'DE');
    expect(de).toEqual({ country: 'DE', requests: 1, with_outcome: 0, some_data_produced: 0, pct: null });
    const gb = tb.data_produced?.by_country.find((r) => r.country === 'GB');
    expect(gb).toMatchObject({ with_outcome: 1, some_data_produced: 1, pct: 1 });
    expect(tb.pushback.rejected + tb.pushback.withdrawn).toBe(0);

    const text = renderText(report);
    expect(renderMarkdown(report)).toContain('| Not disclosed / not recorded |');
    expect(text).toContain('Notice not recorded (history)');
    expect(text).not.toMatch(/Notice decision pending +[1-9]/);
    expect(text).toMatch(/Device +1 /);
    expect(renderCsv(report)).toContain('notice,notice,not_recorded,,,requests,3');
  });

  it('keeps the intake default for history of the half-year still running, and for open requests', async () => {
    const p = file(
      'current.csv',
      `${HEADER},outcome\r\n` +
        'H-NOW-1,2026-11-02,Agency,law_enforcement,federal,US,subpoena,no_data\r\n' +
        'H-NOW-2,2026-11-02,Agency,law_enforcement,federal,US,court_order,non_content_produced\r\n' +
        'H-OLD-OPEN,2014-09-02,Agency,law_enforcement,federal,US,court_order,\r\n',
    );
    await s.imports.importFile(admin, p);
    expect((await byRef('H-NOW-1')).notice_status).toBe('not_applicable');
    expect((await byRef('H-NOW-2')).notice_status).toBe('pending');
    expect((await byRef('H-OLD-OPEN')).notice_status).toBe('pending');
  });

  it('refuses bad values naming the column and the line, and imports nothing', async () => {
    const p = file(
      'bad.csv',
      `${HEADER},identifier_kind,accounts,account_results,outcome\r\n` +
        'B-1,2014-07-01,Agency,law_enforcement,federal,US,subpoena,passport,,,no_data\r\n' +
        'B-2,2014-07-01,Agency,law_enforcement,federal,US,subpoena,account,AC1,AC9|preserved,preserved\r\n' +
        'B-3,2014-07-01,Agency,law_enforcement,federal,US,subpoena,account,AC1,AC1|kept,preserved\r\n' +
        'B-4,2014-07-01,Agency,law_enforcement,federal,US,subpoena,account,AC1,AC1,preserved\r\n',
    );
    const e = await importError(p);
    const issues = e.issues.map((i) => [i.line, i.field]);
    expect(issues).toEqual(
      expect.arrayContaining([
        [2, 'identifier_kind'],
        [3, 'account_results'],
        [4, 'account_results'],
        [5, 'account_results'],
      ]),
    );
    const kind = e.issues.find((i) => i.field === 'identifier_kind');
    expect(kind?.message).toContain('device');
    expect(await s.requests.findIdByRef(admin, 'B-1')).toBeUndefined();
  });
});

describe('the same fields through the API and PATCH', () => {
  const auth = () => ({ authorization: `Bearer ${token}` });

  it('round-trips identifier_kind and per-account results, and refuses bad values naming the field', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: auth(),
      payload: {
        ...requestFactory({ process_type: 'preservation_request' }),
        identifier_kind: 'financial',
        accounts: ['AC7', 'AC8'],
        outcome: 'preserved',
        account_results: [{ account: 'AC8', result: 'not_produced' }],
      },
    });
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r.identifier_kind).toBe('financial');
    expect(
      Object.fromEntries(r.targets.map((x: { account: string; result: string }) => [x.account, x.result])),
    ).toEqual({
      AC7: 'preserved',
      AC8: 'not_produced',
    });

    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/requests/${r.id}`,
      headers: auth(),
      payload: {
        version: r.version,
        identifier_kind: 'push_token',
        account_results: [{ account: 'AC7', result: 'deleted' }],
      },
    });
    expect(patched.statusCode).toBe(200);
    const p = patched.json();
    expect(p.identifier_kind).toBe('push_token');
    expect(p.targets.find((x: { account: string }) => x.account === 'AC7').result).toBe('deleted');

    for (const payload of [
      { version: p.version, identifier_kind: 'passport' },
      { version: p.version, account_results: [{ account: 'AC404', result: 'deleted' }] },
    ]) {
      const bad = await app.inject({
        method: 'PATCH',
        url: `/api/v1/requests/${r.id}`,
        headers: auth(),
        payload,
      });
      expect(bad.statusCode).toBe(400);
      const field = Object.keys(payload).find((k) => k !== 'version')!;
      expect(bad.json().error.issues.map((i: { field: string }) => i.field.split('.')[0])).toContain(field);
    }
    expect((await s.requests.get(admin, r.id)).identifier_kind).toBe('push_token');
  });

  it('gives an outcome not recorded a notice not recorded at every door, and refuses a bad level', async () => {
    const r = await s.requests.create(
      admin,
      requestInput.parse(requestFactory({ outcome: 'not_recorded', received_at: '2026-11-30' })),
    );
    expect(r.notice_status).toBe('not_recorded');
    expect(r.targets.every((x) => x.result === null)).toBe(true);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: auth(),
      payload: { ...requestFactory(), agency: { name: 'X', kind: 'court', level: 'unknown', country: 'US' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { field: string }) => i.field)).toContain('agency.level');
  });
});
