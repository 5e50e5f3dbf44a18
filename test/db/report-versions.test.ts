import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { fileHashes } from '../../src/reports/files.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
let s: Services;
const clock = testClock('2015-08-31T12:00:00Z');
const admin = actor('admin');
let openId = 0;

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  await s.requests.create(admin, requestInput.parse(requestFactory({ received_at: '2015-02-01T10:00:00Z' })));
  openId = (
    await s.requests.create(
      admin,
      requestInput.parse(
        requestFactory({
          received_at: '2015-03-01T10:00:00Z',
          agency: { name: 'Polizia Postale', kind: 'law_enforcement', level: 'national', country: 'IT' },
        }),
      ),
    )
  ).id;
});
afterAll(async () => t?.close());

describe('report versions', () => {
  it('freezes version 1 with the data, every file hash, the audit head, and an audit event', async () => {
    const head = await s.audit.verify(admin);
    const v = await s.reports.freeze(admin, '2015-H1');
    expect(v).toMatchObject({ period: '2015-H1', number: 1, frozen_at: '2015-08-31T12:00:00.000Z' });
    expect(v.audit_head).toBe(head.ok ? head.head : 'broken');
    expect(v.data.version).toMatchObject({ number: 1, status: 'frozen', updated: false });
    expect(Object.keys(v.file_hashes)).toEqual([
      'dsa/part1.csv',
      'dsa/part2.csv',
      'dsa/part3.csv',
      'report.csv',
      'report.html',
      'report.json',
      'report.md',
      'report.pdf',
      'report.txt',
    ]);
    const files = await s.reports.render(admin, '2015-H1', 'text', { version: 1 });
    expect(fileHashes(files)['report.txt']).toBe(v.file_hashes['report.txt']);
    const events = await sql<{
      action: string;
    }>`select action from audit_events where entity = 'report'`.execute(t.db);
    expect(events.rows.map((e) => e.action)).toEqual(['report.freeze']);
  });

  it('refuses to freeze a period twice: a frozen period is corrected', async () => {
    await expect(s.reports.freeze(admin, '2015-H1')).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('refuses a correction when nothing changed', async () => {
    await expect(
      s.reports.correct(admin, '2015-H1', { why: 'no reason', method: 'recomputed' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('never changes a frozen version when the records change, and shows the drift', async () => {
    const before = await s.reports.version(admin, '2015-H1', 1);
    clock.set('2015-10-01T09:00:00Z');
    const r = await s.requests.get(admin, openId);
    await s.requests.update(admin, openId, r.version, {
      outcome: 'non_content_produced',
      responded_at: '2015-09-20T10:00:00Z',
    });
    const after = await s.reports.version(admin, '2015-H1', 1);
    expect(after).toEqual(before);
    const draft = await s.reports.build(admin, '2015-H1');
    expect(draft.latest).toBe(1);
    // Answered after the period ended: still in process at its end (the summary), but no longer open.
    expect(draft.drift.filter((c) => c.table === 'summary')).toEqual([]);
    expect(draft.drift).toContainEqual({
      table: 'by_country',
      key: 'IT.outcomes.in_process',
      before: 1,
      after: 0,
    });
  });

  it('makes version N+1 with a changelog entry, marked as updated, listing the changed cells', async () => {
    const v2 = await s.reports.correct(admin, '2015-H1', {
      why: 'An Italian request was answered after the period ended.',
      method: 'Recomputed from the record as of 1 October 2015.',
    });
    expect(v2.number).toBe(2);
    expect(v2.data.version.updated).toBe(true);
    expect(v2.data.version.changelog.map((c) => c.version)).toEqual([1, 2]);
    expect(v2.data.version.changelog[1]).toMatchObject({
      date: '2015-10-01',
      why: 'An Italian request was answered after the period ended.',
      method: 'Recomputed from the record as of 1 October 2015.',
    });
    expect(v2.data.version.changelog[1]?.what).toContain('Italy: open 1 -> 0');
    const diff = await s.reports.diff(admin, '2015-H1', 1, 2);
    expect(diff).toEqual(v2.data.tables.changes);
    expect(diff).toContainEqual({
      table: 'by_country',
      key: 'IT.outcomes.non_content_produced',
      before: 0,
      after: 1,
    });
    expect((await s.reports.frozenVersions(admin, '2015-H1')).map((v) => v.number)).toEqual([1, 2]);
    const text = (await s.reports.render(admin, '2015-H1', 'text', { version: 2 }))
      .get('report.txt')!
      .toString();
    expect(text.replace(/\s+\*?\s*/g, ' ')).toContain('An Italian request was answered');
    expect(text).toMatch(/updated/i);
  });

  it('has a database that refuses to change or delete a stored version', async () => {
    await expect(sql`update report_versions set number = 9`.execute(t.db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from report_versions`.execute(t.db)).rejects.toThrow(/immutable/);
  });

  it('lets a viewer read but not freeze', async () => {
    await expect(s.reports.freeze(actor('viewer'), '2016-H1')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await s.reports.frozenVersions(actor('viewer'))).length).toBe(2);
  });
});
