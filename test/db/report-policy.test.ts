import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { policyConfig } from '../../src/domain/policy-config.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

/** "How we handle requests" (issue 16.3): edited in the report desk, carried and frozen by each version. */

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let publisher: WebClient;
let viewer: WebClient;
let config: Config;
const admin = actor('admin');
const clock = testClock('2015-08-31T12:00:00Z');
const notice = (d: { handling_policy?: { sections: { key: string; text: string; generated: boolean }[] } }) =>
  d.handling_policy?.sections.find((x) => x.key === 'notice');

beforeAll(async () => {
  t = await testDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-policy-'));
  // A data directory that does not exist yet: the first save creates it.
  config = { ...testConfig, handlingPolicyFile: path.join(dir, 'data', 'how-we-handle-requests.md') };
  s = createServices({ db: t.db, config, clock });
  app = await buildApp({ config, services: s });
  await userWithPassword(s, 'publisher', 'policy-publisher@example.com');
  await userWithPassword(s, 'viewer', 'policy-viewer@example.com');
  publisher = new WebClient(app);
  await publisher.signIn('policy-publisher@example.com');
  viewer = new WebClient(app);
  await viewer.signIn('policy-viewer@example.com');
  await s.requests.create(admin, requestInput.parse(requestFactory({ received_at: '2015-02-01T10:00:00Z' })));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('"How we handle requests" in the report desk and the report versions', () => {
  it('a frozen version keeps the text it was frozen with; the edit shows in the next version in words', async () => {
    const v1 = await s.reports.freeze(admin, '2015-H1');
    expect(notice(v1.data)).toMatchObject({ generated: true });
    expect(notice(v1.data)?.text).toContain('unless a court order under 18 U.S.C. 2705(b)');

    const form = await publisher.get('/reports/policy');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="notice"');
    const saved = await publisher.post('/reports/policy', {
      notice: 'We **always** notify customers before we disclose, unless a court forbids it.',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/reports/policy?done=saved');
    expect(readFileSync(config.handlingPolicyFile, 'utf8')).toContain(
      '## Notice to customers\n\nWe **always** notify customers',
    );
    const events = await sql<{ action: string; after: unknown }>`
      select action, after from audit_events where action = 'report.policy_edit'`.execute(t.db);
    expect(events.rows).toEqual([
      { action: 'report.policy_edit', after: { changed: ['Notice to customers'] } },
    ]);

    // The desk shows the edit as drift from version 1.
    expect((await publisher.get('/reports/2015-H1')).body).toContain(
      'How we handle requests: section &#39;Notice to customers&#39; changed',
    );
    // Version 1 is unchanged: its data and its bytes are what it was frozen with.
    const again = await s.reports.version(admin, '2015-H1', 1);
    expect(notice(again.data)?.text).toBe(notice(v1.data)?.text);
    const text = (await s.reports.render(admin, '2015-H1', 'text', { version: 1 })).get('report.txt')!;
    expect(text.toString()).not.toContain('We always notify customers');

    // Nothing else changed, yet the policy edit alone is a correction, said in words.
    const v2 = await s.reports.correct(admin, '2015-H1', {
      why: 'Our notice policy was rewritten.',
      method: 'The provider’s own words replace the generated text.',
    });
    expect(v2.data.tables.changes).toEqual([]);
    expect(v2.data.version.changelog[1]?.what).toBe(
      "How we handle requests: section 'Notice to customers' changed",
    );
    expect(notice(v2.data)).toMatchObject({ generated: false });
    const v2text = (await s.reports.render(admin, '2015-H1', 'text', { version: 2 })).get('report.txt')!;
    expect(v2text.toString()).toContain('We always notify customers before we disclose');
  });

  it('lets only a publisher save, and refuses a bad section whole, changing nothing', async () => {
    expect((await viewer.get('/reports/policy')).body).not.toContain('<textarea');
    expect((await viewer.post('/reports/policy', { notice: 'x' })).statusCode).toBe(403);
    const before = readFileSync(config.handlingPolicyFile, 'utf8');
    const bad = await publisher.post('/reports/policy', {
      legal_review: 'Fine.',
      pushback: '## A heading that would split the file',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('When we push back: use ### or deeper');
    expect(readFileSync(config.handlingPolicyFile, 'utf8')).toBe(before);
  });

  it('generates the text of an unwritten section from the configured policy engine', async () => {
    const draft = async (c: Config) =>
      (await createServices({ db: t.db, config: c, clock }).reports.build(admin, '2015-H1')).data;
    const fresh = { ...config, handlingPolicyFile: path.join(tmpdir(), 'candor-policy-none', 'p.md') };
    const emergency = (d: Awaited<ReturnType<typeof draft>>) =>
      d.handling_policy?.sections.find((x) => x.key === 'emergency')?.text;
    expect(emergency(await draft(fresh))).toContain('We aim to answer within 8 hours');
    const faster = { ...fresh, policy: policyConfig.parse({ response: { emergencyHours: 2 } }) };
    expect(emergency(await draft(faster))).toContain('We aim to answer within 2 hours');
    const changed = await draft({ ...fresh, foreignNs: { GB: { mode: 'banded', width: 250 } } });
    expect(changed.handling_policy?.sections.find((x) => x.key === 'national_security')?.text).toContain(
      'Foreign national-security orders are reported in bands for GB (bands of 250)',
    );
  });
});
