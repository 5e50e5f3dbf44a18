import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';

// The request page keeps the deadline, the time left, the assignee, the notice as it is and the next step
// in sight; a before-disclosure notice states the date to act by.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const admin = actor('admin');
let handler = { id: 0, email: '' };
// Notices are delivered as .eml files into this data directory (the zero-configuration outbox).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-standing-'));

beforeAll(async () => {
  t = await testDatabase();
  const config = { ...testConfig, dataDir: tmp };
  s = createServices({ db: t.db, config, clock: testClock('2026-01-12T09:30:00Z') });
  app = await buildApp({ config, services: s });
  handler = await userWithPassword(s, 'handler', 'hal@example.com');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the request page', () => {
  it('shows the deadline, the time left, the assignee, the notice and one highlighted next step', async () => {
    // A grand jury subpoena received 2026-01-10 09:30: due 14 days later by the default policy.
    const r = await s.requests.create(admin, requestInput.parse(requestFactory({ accounts: ['ST-1'] })));
    const web = new WebClient(app);
    await web.signIn(handler.email);
    let page = (await web.get(`/requests/${r.id}`)).body;
    expect(page).toContain('Where it stands');
    expect(page).toMatch(/Response deadline[\s\S]*12 days left/);
    expect(page).toContain('Nobody yet');
    expect(page).toMatch(/Next step:<\/strong> Assign a handler/);
    expect(page).toContain('href="#act-assign"');
    expect(page).toMatch(/class="action primary-action" id="act-assign" open/);

    await s.workflow.assign(admin, r.id, { userId: handler.id });
    await s.workflow.transition(admin, r.id, { to: 'in_review' });
    page = (await web.get(`/requests/${r.id}`)).body;
    expect(page).toContain('hal@example.com');
    expect(page).toMatch(/Next step:<\/strong> Record the response/);
    // "Record the response" opens with no outcome chosen.
    const respond = page.slice(page.indexOf('id="act-respond"'));
    expect(respond).toMatch(
      /<select id="f-respond-outcome" name="outcome"[^>]*><option value="">Choose the outcome<\/option>/,
    );
    expect(respond.slice(0, respond.indexOf('</select>'))).not.toContain('selected');
  });

  it('says a notice was sent once it was, and a before-disclosure notice names the day to act by', async () => {
    const r = await s.requests.create(admin, requestInput.parse(requestFactory({ accounts: ['ST-2'] })));
    await s.notices.setContact(admin, 'ST-2', { email: 'st2@example.com', language: 'en' });
    const p = await s.notices.preview(admin, r.id);
    expect(p.decision.kind).toBe('before_disclosure');
    // Due 2026-01-24 09:30; the default policy asks the customer to act 3 days before: 2026-01-21.
    expect(p.messages[0]?.body).toContain('please do so by 2026-01-21');
    await s.notices.queue(admin, r.id);
    await s.noticeWorker.runOnce();
    const web = new WebClient(app);
    await web.signIn(handler.email);
    const page = (await web.get(`/requests/${r.id}`)).body;
    expect(page).toMatch(/Customer notice<\/dt>\s*<dd>Sent to 1 customer contact/);
    // The response panel says the same: never "Pending" after the notice went out.
    expect(page.match(/Customer notice<\/dt><dd>Sent to 1/g)?.length).toBe(2);
  });
});
