import { readdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { git, isolateGit, tmpDir } from '../publish/git-env.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let publisher: WebClient;
let viewer: WebClient;
let repo: string;

beforeAll(async () => {
  isolateGit();
  t = await testDatabase();
  s = servicesFor(t, testClock('2026-08-01T10:00:00Z'));
  repo = tmpDir('web-publish');
  app = await buildApp({ config: { ...testConfig, publishRepo: repo }, services: s });
  await userWithPassword(s, 'publisher', 'rep-publisher@example.com');
  await userWithPassword(s, 'viewer', 'rep-viewer@example.com');
  publisher = new WebClient(app);
  await publisher.signIn('rep-publisher@example.com');
  viewer = new WebClient(app);
  await viewer.signIn('rep-viewer@example.com');
  const { id } = await s.requests.create(actor('admin'), requestInput.parse(requestFactory()));
  await s.workflow.transition(actor('admin'), id, { to: 'in_review' });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('the report desk', () => {
  it('previews the draft of a period, with the versions and a period picker', async () => {
    const res = await viewer.get('/reports/2026-H1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<option value="2026-H1" selected>');
    expect(res.body).toContain('class="report-preview"');
    expect(res.body).toContain('Not frozen yet.');
    // A viewer reads but may not freeze or publish.
    expect(res.body).not.toContain('/reports/2026-H1/freeze');
    expect((await viewer.post('/reports/2026-H1/freeze')).statusCode).toBe(403);
    expect((await viewer.get('/reports?period=2026-H1')).headers.location).toBe('/reports/2026-H1');
  });

  it('freezes, shows drift once the record changes, corrects with reason and method, diffs and downloads', async () => {
    // The desk asks for the publication date, proposing the period's last day plus the lag, and names
    // the days the national-security windows of that date leave out (issue 19.4).
    const desk = (await publisher.get('/reports/2026-H1')).body;
    expect(desk).toMatch(/name="publication_date" type="date" value="2026-07-01"/);
    expect(desk.replace(/\s+/g, ' ')).toContain('The day 2026-01-01 of this period');
    const bad = await publisher.post('/reports/2026-H1/freeze', { publication_date: '2026-02-31' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('expected a date YYYY-MM-DD');
    const frozen = await publisher.post('/reports/2026-H1/freeze', { publication_date: '2026-07-20' });
    expect(frozen.headers.location).toBe('/reports/2026-H1?done=frozen');
    expect(
      (await s.reports.version(actor('viewer'), '2026-H1', 1)).data.tables.national_security
        ?.publication_date,
    ).toBe('2026-07-20');
    expect((await publisher.get('/reports/2026-H1')).body).toContain('The record still matches');

    const { id } = await s.requests.create(actor('admin'), requestInput.parse(requestFactory()));
    const page = (await publisher.get('/reports/2026-H1')).body;
    expect(page).not.toContain('The record still matches');
    expect(id).toBeGreaterThan(0);

    const badFix = await publisher.post('/reports/2026-H1/correct', { reason: '', method: 'recount' });
    expect(badFix.statusCode).toBe(422);
    expect(badFix.body).toContain('say why the report is corrected');
    expect(badFix.body).toContain('recount');
    const ok = await publisher.post('/reports/2026-H1/correct', {
      reason: 'a request was recorded late',
      method: 'recounted from the record',
    });
    expect(ok.headers.location).toBe('/reports/2026-H1?done=corrected');

    const diff = await publisher.get('/reports/2026-H1/diff?from=1&to=2');
    expect(diff.statusCode).toBe(200);
    expect(diff.body).toMatch(/\d+ changed cells/);

    const csv = await viewer.get('/reports/2026-H1/download/csv?version=1');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="candor-2026-H1-v1-report.csv"');
    const pdf = await viewer.get('/reports/2026-H1/download/pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    expect((await viewer.get('/reports/2026-H1/download/exe')).statusCode).toBe(404);
  });

  it('publishes the latest frozen version to the repository the server is configured with, never a path from the form', async () => {
    const page = (await publisher.get('/reports/2026-H1')).body;
    expect(page).toContain(`<code>${repo}</code>`);
    expect(page).not.toMatch(/name="repo"/);
    const elsewhere = tmpDir('web-publish-elsewhere');
    const res = await publisher.post('/reports/2026-H1/publish', { repo: elsewhere });
    expect(res.headers.location).toBe('/reports/2026-H1?done=published');
    expect(git(repo, 'tag', '--list')).toContain('2026-H1-v2');
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
