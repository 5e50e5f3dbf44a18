import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { base32Decode, hotp, timeStep } from '../../src/domain/totp.ts';
import { buildApp } from '../../src/http/app.ts';
import { startBackgroundJobs } from '../../src/services/background.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { makePdf, streamOf, unzip } from '../helpers/documents.ts';
import { multipart } from '../helpers/multipart.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { labelProblems, userWithPassword, WebClient } from '../helpers/web.ts';

let t: TestDb;
let smtp: TestSmtp;
let s: Services;
let app: FastifyInstance;
let config: Config;
let tmp: string;
let pdf: Buffer;
const clock = testClock('2026-03-02T10:00:00Z');
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  smtp = await startSmtp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-portal-'));
  config = {
    ...testConfig,
    dataDir: tmp,
    smtpUrl: smtp.url,
    storage: { kind: 'folder', root: path.join(tmp, 'documents') },
    portal: {
      ...testConfig.portal,
      onCall: 'oncall@provider.example',
      url: 'https://lers.provider.example/portal',
    },
  };
  s = createServices({ db: t.db, config, clock });
  app = await buildApp({ config, services: s });
  pdf = await makePdf(['GRAND JURY SUBPOENA', 'Account: alice@example.com']);
  await s.portal.accounts.addRule(admin, '.gov');
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => smtp.reset());

/** The last link of a kind e-mailed to an address. */
function linkTo(to: string, kind: 'verify' | 'sign-in'): string {
  const m = [...smtp.arrivals]
    .reverse()
    .find((a) => a.to.includes(to))
    ?.raw.replace(/=\r?\n/g, '')
    .match(new RegExp(`https://lers\\.provider\\.example(/portal/${kind}/[A-Za-z0-9_-]+)`));
  if (!m?.[1]) throw new Error(`no ${kind} link e-mailed to ${to}`);
  return m[1];
}
const code = (secret: string) => hotp(base32Decode(secret), timeStep(clock()));
/** An hour later: the hourly limits (registrations from this test's one IP among them) start again. */
const nextHour = () => clock.set(new Date(clock().getTime() + 3_600_000).toISOString());

let ip = 0;
/** An officer registered, verified and enrolled through the portal's own pages; returns the browser. */
async function officer(email: string, agency = 'Federal Bureau') {
  const b = new WebClient(app, { 'x-test': 'portal' });
  await b.get('/portal/register');
  const r = await b.post('/portal/register', {
    email,
    name: `Officer ${email}`,
    title: 'Special Agent',
    agency,
    phone: '+1 202 555 0100',
    country: 'US',
    website: '',
  });
  expect(r.statusCode).toBe(200);
  await b.get(linkTo(email, 'verify'));
  const v = await b.post(linkTo(email, 'verify'));
  expect(v.headers.location).toBe('/portal/enrol');
  const page = await b.get('/portal/enrol');
  const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(page.body)![1]!;
  const done = await b.post('/portal/enrol', { secret, code: code(secret) });
  expect(done.headers.location).toBe('/portal');
  clock.set(new Date(clock().getTime() + 31_000).toISOString());
  await b.get('/portal');
  return Object.assign(b, { secret, ip: `10.9.0.${++ip}` });
}

const FIELDS = {
  reference: 'GJ-2026-17',
  process_type: 'grand_jury_subpoena',
  agency_level: 'federal',
  accounts: 'alice@example.com',
  data_sought: 'basic_subscriber',
  officer_name: 'Dana Scully',
  officer_title: 'Special Agent',
  officer_agency: 'Federal Bureau',
  officer_phone: '+1 202 555 0100',
  attest: 'on',
  signature: 'Dana Scully',
};

async function submit(
  b: WebClient,
  fields: Record<string, string> = {},
  file = { name: 'subpoena.pdf', body: pdf },
) {
  await b.get('/portal/submit');
  const m = multipart({ _csrf: b.csrf, ...FIELDS, ...fields }, file);
  return app.inject({
    method: 'POST',
    url: '/portal/submit',
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
      'content-type': m.contentType,
    },
    payload: m.body,
  });
}
const idOf = (location: string | undefined) =>
  Number(/\/portal\/submissions\/(\d+)$/.exec(location ?? '')![1]);

/** A registration from an address on no rule, confirmed: it waits for an admin's review. */
async function pendingOfficer(email: string) {
  const b = new WebClient(app);
  await b.get('/portal/register');
  await b.post('/portal/register', {
    email,
    name: `Sgt ${email}`,
    title: 'Sergeant',
    agency: 'County Sheriff',
    phone: '+1 555 0100',
    country: 'US',
    website: '',
  });
  await b.post(linkTo(email, 'verify'));
  return b;
}

/** A staff member signed in to the legal team's app. */
async function staff(role: 'admin' | 'handler' | 'viewer') {
  const u = await userWithPassword(s, role);
  const web = new WebClient(app);
  expect((await web.signIn(u.email)).statusCode).toBe(303);
  return web;
}
const api = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });

describe('the agency portal', () => {
  it('an officer registers, verifies, signs in with a link and a TOTP code, and submits; staff accept, write, release; the officer downloads', async () => {
    const b = await officer('scully@fbi.gov');
    // Signing in again: link, then the code; a reused code is refused.
    const again = new WebClient(app);
    await again.get('/portal/sign-in');
    await again.post('/portal/sign-in', { email: 'scully@fbi.gov', website: '' });
    await again.post(linkTo('scully@fbi.gov', 'sign-in'));
    expect((await again.get('/portal/submit')).headers.location).toBe('/portal/code');
    await again.get('/portal/code');
    expect((await again.post('/portal/code', { code: '000000' })).statusCode).toBe(400);
    expect((await again.post('/portal/code', { code: code(b.secret) })).headers.location).toBe('/portal');
    expect((await again.get('/portal/submit')).statusCode).toBe(200);

    const res = await submit(b);
    expect(res.statusCode).toBe(303);
    const id = idOf(res.headers.location);
    const [queued] = await s.portal.intake.queue(admin);
    expect(queued).toMatchObject({
      id,
      reference: 'GJ-2026-17',
      request_id: null,
      sender: { domain_rule: '.gov', verified_how: 'domain rule .gov', second_factor: true },
    });
    // Not a request until accepted.
    expect(await t.db.selectFrom('requests').select('id').execute()).toHaveLength(0);

    const requestId = await s.portal.intake.accept(admin, id);
    const request = await s.requests.get(admin, requestId);
    expect(request).toMatchObject({
      external_ref: `PORTAL-${id}`,
      process_type: 'grand_jury_subpoena',
      delivered_via: 'portal',
      agency: { name: 'Federal Bureau', country: 'US' },
    });
    expect((await s.documents.list(admin, requestId)).map((d) => d.name)).toEqual(['subpoena.pdf']);
    expect(smtp.arrivals.some((a) => a.to.includes('scully@fbi.gov') && /In review/.test(a.raw))).toBe(true);

    await s.portal.intake.message(admin, id, 'We need the signed page 2.');
    const detail = await b.get(`/portal/submissions/${id}`);
    expect(detail.body).toContain('We need the signed page 2.');
    expect(detail.body).toContain('In review');
    expect(detail.body).not.toContain(`PORTAL-${id}`);

    // A production, refused by the gate until a response produces data.
    await s.documents.upload(admin, requestId, {
      kind: 'production',
      name: 'records.csv',
      file: streamOf(Buffer.from('a,b\n')),
    });
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const p = await s.productions.record(admin, requestId, {});
    const releaseId = await s.portal.releases.release(admin, id, p.id, { maxDownloads: 1 });
    const zip = await b.get(`/portal/releases/${releaseId}/download`);
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-disposition']).toMatch(/attachment/);
    expect([...(await unzip(zip.rawPayload)).keys()]).toContain('manifest.json');
    // One download allowed: the second is refused, and each download is audited.
    expect((await b.get(`/portal/releases/${releaseId}/download`)).statusCode).toBe(409);
    const events = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'portal.download')
      .execute();
    expect(events).toHaveLength(1);
    const responded = await b.get(`/portal/submissions/${id}`);
    expect(responded.body).toContain('Responded');
  });

  it('refuses a release the policy gate refuses, and a revoked release downloads nothing', async () => {
    const b = await officer('mulder@fbi.gov');
    const id = idOf((await submit(b, { reference: 'GJ-2' })).headers.location);
    const requestId = await s.portal.intake.accept(admin, id);
    await s.documents.upload(admin, requestId, {
      kind: 'production',
      name: 'r.csv',
      file: streamOf(Buffer.from('x')),
    });
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const p = await s.productions.record(admin, requestId, {});
    // The response is superseded by one that produces nothing: the gate now refuses the disclosure.
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'records re-checked' });
    await s.workflow.respond(admin, requestId, { outcome: 'no_data', produced: [], accounts: [] });
    await expect(s.portal.releases.release(admin, id, p.id)).rejects.toThrow(
      /record a response that produces data/,
    );
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const r = await s.portal.releases.release(admin, id, p.id);
    await s.portal.releases.revoke(admin, r);
    expect((await b.get(`/portal/releases/${r}/download`)).body).toMatch(/withdrawn by the legal team/);
    const other = await officer('skinner@fbi.gov');
    const id2 = idOf((await submit(other, { reference: 'GJ-3' })).headers.location);
    await s.portal.intake.accept(admin, id2);
    await expect(s.portal.releases.release(admin, id2, p.id)).rejects.toThrow(/not a production of request/);
  });

  it('an officer of one agency never reads another agency’s submission, thread or production, on any portal route', async () => {
    const a = await officer('a@dea.gov', 'Drug Enforcement');
    const z = await officer('z@atf.gov', 'Firearms');
    const id = idOf(
      (await submit(a, { reference: 'SECRET-REF-A', officer_agency: 'Drug Enforcement' })).headers.location,
    );
    const requestId = await s.portal.intake.accept(admin, id);
    await s.portal.intake.message(admin, id, 'private thread text');
    await s.documents.upload(admin, requestId, {
      kind: 'production',
      name: 'p.csv',
      file: streamOf(Buffer.from('x')),
    });
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const release = await s.portal.releases.release(
      admin,
      id,
      (await s.productions.record(admin, requestId, {})).id,
    );
    const { PORTAL_ROUTES } = await import('../../src/web/portal/routes.ts');
    for (const route of PORTAL_ROUTES.filter((r) => r.path.includes(':id'))) {
      const url = route.path.replace(':id', String(route.path.startsWith('/portal/releases') ? release : id));
      const res =
        route.method === 'GET'
          ? await z.get(url)
          : await z.post(url, { body: 'hi', after_notice_policy: 'on' });
      expect(res.statusCode, `${route.method} ${url}`).toBe(404);
      expect(res.body).not.toMatch(/SECRET-REF-A|private thread text|Drug Enforcement/);
    }
    expect((await z.get('/portal')).body).not.toContain('SECRET-REF-A');
    // Nothing changed: the submission is not withdrawn, no message was added, nothing was downloaded.
    expect((await a.get(`/portal/submissions/${id}`)).body).not.toContain('hi</p>');
    expect(
      (
        await s.portal.releases.download(
          {
            id: Number(
              (
                await t.db
                  .selectFrom('portal_users')
                  .select('id')
                  .where('email', '=', 'a@dea.gov')
                  .executeTakeFirstOrThrow()
              ).id,
            ),
            email: 'a@dea.gov',
            name: '',
            agency: '',
            label: 'x',
          },
          release,
        )
      ).fileName,
    ).toMatch(/SECRET-REF-A/);
  });

  it('keeps the realms apart: own cookie path, strict CSP, no staff links, staff sessions open nothing', async () => {
    const b = await officer('realm@fbi.gov');
    const home = await b.get('/portal');
    expect(home.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(home.headers['content-security-policy']).not.toMatch(/script-src/);
    expect(home.body).not.toMatch(/href="\/(requests|admin|login|reports|static\/app)/);
    const missing = await b.get('/portal/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toMatch(/href="\/(requests|admin|login)/);
    const set = (await new WebClient(app).get('/portal/sign-in')).headers['set-cookie'];
    expect(String(set)).toMatch(/Path=\/portal/);
    // The portal cookie opens nothing of the staff app, and a staff-looking cookie nothing of the portal.
    expect((await b.get('/requests')).headers.location).toMatch(/^\/login/);
    const stranger = new WebClient(app);
    stranger.cookies.set('candor_session', b.cookies.get('candor_portal')!);
    expect((await stranger.get('/portal/submit')).headers.location).toBe('/portal/sign-in');
    // Without the form's token, nothing is done.
    expect((await b.post('/portal/submissions/1/withdraw', { _csrf: 'x' })).statusCode).toBe(403);
  });

  it('puts an unlisted domain up for review; the admin refuses with a reason that is e-mailed', async () => {
    const b = new WebClient(app);
    await b.get('/portal/register');
    await b.post('/portal/register', {
      email: 'cop@city-police.example',
      name: 'C',
      title: 'Sgt',
      agency: 'City',
      phone: '+1 555 0100',
      country: 'US',
      website: '',
    });
    const v = await b.post(linkTo('cop@city-police.example', 'verify'));
    expect(v.body).toMatch(/reviews your registration/);
    const [pending] = await s.portal.accounts.pendingReviews(admin);
    expect(pending).toMatchObject({ email: 'cop@city-police.example' });
    await expect(s.portal.accounts.refuse(actor('handler'), pending!.id, 'no')).rejects.toThrow(/may not/);
    await s.portal.accounts.refuse(admin, pending!.id, 'We could not confirm this agency.');
    expect(smtp.arrivals.at(-1)!.raw).toMatch(/We could not confirm this agency/);
    await b.post('/portal/sign-in', { email: 'cop@city-police.example', website: '' });
    expect(smtp.arrivals.filter((a) => /sign-in\//.test(a.raw))).toHaveLength(0);
  });

  it('an emergency submission becomes a request at once, e-mails the on-call address, and asks the 2702(b)(8) questions', async () => {
    const b = await officer('duty@usms.gov');
    const missing = await submit(b, { emergency: 'on', reference: 'EM-1' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/danger of death or serious physical injury/);
    expect(missing.body).toMatch(/independent number|call-back number/);
    const same = await submit(b, {
      emergency: 'on',
      reference: 'EM-1',
      danger: 'kidnapping',
      why_now: 'hours',
      callback_phone: '+1 202 555 0100',
    });
    expect(same.body).toMatch(/must be an independent number/);
    const ok = await submit(b, {
      emergency: 'on',
      reference: 'EM-1',
      danger: 'A child was taken',
      why_now: 'Minutes count',
      callback_phone: '+1 202 555 0199',
    });
    expect(ok.statusCode).toBe(303);
    const id = idOf(ok.headers.location);
    const [sub] = (await s.portal.intake.queue(admin)).filter((q) => q.id === id);
    expect(sub!.request_id).not.toBeNull();
    const r = await s.requests.get(admin, sub!.request_id!);
    expect(r.emergency).toBe(true);
    expect(r.emergency_basis).toMatch(/A child was taken/);
    const oncall = smtp.arrivals.find((a) => a.to.includes('oncall@provider.example'));
    expect(oncall?.raw).toMatch(/\+1 202 555 0199/);
    // Answered on the request before anyone accepted it in the queue: the officer reads the answer all the same.
    expect((await b.get(`/portal/submissions/${id}`)).body).toContain('Received');
    await s.workflow.transition(admin, r.id, { to: 'in_review' });
    await s.workflow.respond(admin, r.id, { outcome: 'no_data', produced: [], accounts: [] });
    expect((await b.get(`/portal/submissions/${id}`)).body).toContain('Responded');
  });

  it('refuses what is not a PDF and what is over the upload limit, leaving nothing behind', async () => {
    const b = await officer('files@fbi.gov');
    const before = await t.db.selectFrom('portal_submissions').select('id').execute();
    const txt = await submit(
      b,
      { reference: 'F-1' },
      { name: 'x.pdf', body: Buffer.from('not a pdf at all') },
    );
    expect(txt.statusCode).toBe(400);
    expect(txt.body).toMatch(/must be a PDF/);
    const big = await submit(
      b,
      { reference: 'F-2' },
      { name: 'big.pdf', body: Buffer.concat([pdf, Buffer.alloc(config.portal.uploadMaxBytes)]) },
    );
    expect(big.statusCode).toBe(400);
    expect(big.body).toMatch(/larger than/);
    expect(await t.db.selectFrom('portal_submissions').select('id').execute()).toHaveLength(before.length);
  });

  it('limits sign-in links per address in the database, and ignores a filled-in honeypot', async () => {
    const b = new WebClient(app, { 'x-forwarded-for': '10.1.1.1' });
    await b.get('/portal/register');
    const hp = await b.post('/portal/register', {
      email: 'bot@fbi.gov',
      name: 'B',
      title: 'T',
      agency: 'A',
      phone: '+1 555 0100',
      country: 'US',
      website: 'http://spam',
    });
    expect(hp.statusCode).toBe(200);
    expect(
      await t.db.selectFrom('portal_users').select('id').where('email', '=', 'bot@fbi.gov').execute(),
    ).toHaveLength(0);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await b.post('/portal/sign-in', { email: 'someone@fbi.gov', website: '' })).statusCode);
    statuses.push((await b.post('/portal/sign-in', { email: 'someone@fbi.gov', website: '' })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await b.post('/portal/sign-in', { email: 'someone@fbi.gov', website: '' });
    expect(sixth.statusCode).toBe(400);
    expect(sixth.body).toMatch(/too many attempts/);
  });

  it('a status e-mail counts as sent only once the SMTP server accepted it; the background jobs send what failed and what changed at another door', async () => {
    nextHour();
    const b = await officer('status@fbi.gov');
    const id = idOf((await submit(b, { reference: 'ST-1' })).headers.location);
    const notified = async () =>
      (
        await t.db
          .selectFrom('portal_submissions')
          .select(['notified_status', 'notify_claimed_until'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).notified_status;
    const before = await notified();
    smtp.refuseWith(() => ({ code: 451, message: 'try again later' }));
    const requestId = await s.portal.intake.accept(admin, id); // the decision stands though the e-mail failed
    expect(smtp.handed()).toBeGreaterThan(0);
    expect(await notified()).toBe(before);
    smtp.reset();
    const jobs = startBackgroundJobs({ db: t.db, config, clock }, s, 25, () => {});
    try {
      await jobs.ticked(1);
      expect(
        smtp.arrivals.filter((a) => a.to.includes('status@fbi.gov') && /In review/.test(a.raw)),
      ).toHaveLength(1);
      expect(await notified()).toBe('in_review');
      // A response recorded through the staff's own door (not the portal) reaches the officer too, once.
      await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
      await s.workflow.respond(admin, requestId, { outcome: 'no_data', produced: [], accounts: [] });
      await jobs.ticked(2);
    } finally {
      await jobs.stop();
    }
    expect(
      smtp.arrivals.filter((a) => a.to.includes('status@fbi.gov') && /Responded/.test(a.raw)),
    ).toHaveLength(1);
    expect(await notified()).toBe('responded');
  });

  it('counts messages per officer (60 an hour), never against the sign-in limits of the office IP', async () => {
    const b = await officer('talk@fbi.gov');
    const id = idOf((await submit(b, { reference: 'MSG-1' })).headers.location);
    const me = await t.db
      .selectFrom('portal_users')
      .select(['id', 'email', 'name', 'agency'])
      .where('email', '=', 'talk@fbi.gov')
      .executeTakeFirstOrThrow();
    const officerOf = { ...me, id: Number(me.id), label: `portal:${me.id} (${me.email})` };
    for (let i = 0; i < 60; i++) await s.portal.submissions.message(officerOf, id, `note ${i}`);
    await expect(s.portal.submissions.message(officerOf, id, 'one more')).rejects.toThrow(
      /too many attempts/,
    );
    // Sign-in from the same office is unaffected by those 61 messages.
    await expect(s.portal.sessions.requestLink('talk@fbi.gov', '10.7.7.7')).resolves.toBeUndefined();
  });

  it('the officer withdraws; the request records the withdrawn outcome', async () => {
    nextHour();
    const b = await officer('withdraw@fbi.gov');
    const id = idOf((await submit(b, { reference: 'W-1' })).headers.location);
    const requestId = await s.portal.intake.accept(admin, id);
    await b.get(`/portal/submissions/${id}`);
    await b.post(`/portal/submissions/${id}/withdraw`, { after_notice_policy: 'on' });
    expect((await s.requests.get(admin, requestId)).outcome).toBe('withdrawn_after_notice_policy');
    expect((await b.get(`/portal/submissions/${id}`)).body).toContain('Withdrawn');
  });

  it('refusing an emergency submission records the rejection on its request, once, through the change mechanism', async () => {
    nextHour();
    const b = await officer('refused@usms.gov');
    const ok = await submit(b, {
      emergency: 'on',
      reference: 'EM-R',
      danger: 'A threat was posted',
      why_now: 'Minutes count',
      callback_phone: '+1 202 555 0199',
    });
    const id = idOf(ok.headers.location);
    const requestId = (await s.portal.intake.queue(admin)).find((q) => q.id === id)!.request_id!;
    const before = await s.requests.get(admin, requestId);
    await s.portal.intake.refuse(admin, id, 'Not an emergency we can act on.');
    const after = await s.requests.get(admin, requestId);
    expect(after).toMatchObject({ outcome: 'rejected', status: 'responded', version: before.version + 1 });
    const events = await t.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity', '=', 'request')
      .where('entity_id', '=', String(requestId))
      .where('action', '=', 'request.update')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.after).toMatchObject({ outcome: 'rejected', status: 'responded' });
  });

  it('the admin keeps the domain rules and reviews registrations in the app, by API and by the same services', async () => {
    nextHour();
    const web = await staff('admin');
    expect((await web.get('/admin')).body).toContain('href="/admin/portal"');
    // A bad rule is refused with the field named, and nothing is added.
    const before = (await s.portal.accounts.rules(admin)).length;
    await web.get('/admin/portal');
    const bad = await web.post('/admin/portal/domains', { domain: 'gov', country: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/write \.gov for a suffix rule/);
    expect(labelProblems(bad.body)).toEqual([]);
    expect(await s.portal.accounts.rules(admin)).toHaveLength(before);
    const ok = await web.post('/admin/portal/domains', { domain: 'police.uk', suffix: 'on', country: 'gb' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('.police.uk');
    const rule = (await s.portal.accounts.rules(admin)).find((r) => r.rule === '.police.uk')!;
    expect(rule).toMatchObject({ kind: 'suffix', country: 'GB' });
    expect((await web.post('/admin/portal/domains', { domain: '.police.uk' })).statusCode).toBe(409);
    await web.post(`/admin/portal/domains/${rule.id}/remove`);
    expect((await s.portal.accounts.rules(admin)).some((r) => r.rule === '.police.uk')).toBe(false);

    // Registrations on no rule: approved in the app (the officer is told), refused by API with a reason.
    await pendingOfficer('one@sheriff.example');
    await pendingOfficer('two@sheriff.example');
    const page = await web.get('/admin/portal');
    expect(page.body).toContain('one@sheriff.example');
    expect(labelProblems(page.body)).toEqual([]);
    const [one, two] = await s.portal.accounts.pendingReviews(admin);
    smtp.reset();
    expect((await web.post(`/admin/portal/registrations/${one!.id}/approve`)).statusCode).toBe(200);
    expect(smtp.arrivals.at(-1)!.to).toEqual(['one@sheriff.example']);
    const empty = await web.post(`/admin/portal/registrations/${two!.id}/refuse`, { reason: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toMatch(/reason/);
    const { token } = await s.users.add(admin, 'portal-api@example.com', 'admin');
    const refused = await api(token, 'POST', `/api/v1/portal/registrations/${two!.id}/refuse`, {
      reason: 'We could not confirm the sheriff.',
    });
    expect(refused.statusCode).toBe(200);
    expect(smtp.arrivals.at(-1)!.raw).toMatch(/We could not confirm the sheriff/);
    expect(await s.portal.accounts.pendingReviews(admin)).toEqual([]);
    const added = await api(token, 'POST', '/api/v1/portal/domains', { domain: '.mil', country: 'US' });
    expect(added.statusCode).toBe(201);
    expect((await api(token, 'GET', '/api/v1/portal/domains')).json().items).toContainEqual(
      expect.objectContaining({ rule: '.mil', country: 'US' }),
    );
    const badApi = await api(token, 'POST', '/api/v1/portal/domains', { domain: 'bad domain!' });
    expect(badApi.statusCode).toBe(400);
    expect(badApi.body).toMatch(/domain/);
    // Admins only: a handler may not see or change the rules, at either door.
    const handler = await staff('handler');
    expect((await handler.get('/admin/portal')).statusCode).toBe(403);
    const { token: ht } = await s.users.add(admin, 'portal-api-h@example.com', 'handler');
    expect((await api(ht, 'POST', '/api/v1/portal/domains', { domain: '.evil' })).statusCode).toBe(403);
  });

  it('staff handle the portal intake queue in the app: read the PDF, accept as a duplicate, refuse with a message', async () => {
    nextHour();
    const b = await officer('queue@fbi.gov');
    const first = idOf((await submit(b, { reference: 'Q-1' })).headers.location);
    const second = idOf((await submit(b, { reference: 'Q-2' })).headers.location);
    const third = idOf((await submit(b, { reference: 'Q-3' })).headers.location);
    const web = await staff('handler');
    const page = await web.get('/intake');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Q-1');
    expect(page.body).toContain('domain rule .gov');
    expect(labelProblems(page.body)).toEqual([]);
    const pdfRes = await web.get(`/intake/${first}/document`);
    expect(pdfRes.statusCode).toBe(200);
    expect(pdfRes.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const accepted = await web.post(`/intake/${first}/accept`);
    const requestId = Number(/\/requests\/(\d+)$/.exec(accepted.headers.location ?? '')![1]);
    expect((await s.requests.get(admin, requestId)).external_ref).toBe(`PORTAL-${first}`);
    // Bad input names the field and changes nothing.
    const bad = await web.post(`/intake/${second}/accept`, { duplicate_of: 'abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/duplicate_of|request id/);
    const dup = await web.post(`/intake/${second}/accept`, { duplicate_of: String(requestId) });
    expect(dup.headers.location).toBe(`/requests/${requestId}`);
    expect((await s.documents.list(admin, requestId)).map((d) => d.name)).toEqual([
      'subpoena.pdf',
      'subpoena.pdf',
    ]);
    expect((await web.post(`/intake/${third}/refuse`, { message: '' })).statusCode).toBe(400);
    expect(
      (await web.post(`/intake/${third}/refuse`, { message: 'Send it to our Irish entity.' })).statusCode,
    ).toBe(200);
    expect((await b.get(`/portal/submissions/${third}`)).body).toContain('Send it to our Irish entity.');
    expect((await web.get('/intake')).body).not.toMatch(/Q-[123]/);
    expect((await (await staff('viewer')).get('/intake')).statusCode).toBe(403);
  });

  it('the request page shows the sender’s verification, the thread with a reply form, and releases and revokes through the gate', async () => {
    nextHour();
    const b = await officer('page@fbi.gov');
    const sid = idOf((await submit(b, { reference: 'RP-1' })).headers.location);
    const requestId = await s.portal.intake.accept(admin, sid);
    const web = await staff('handler');
    const page = await web.get(`/requests/${requestId}`);
    expect(page.body).toContain('Agency portal');
    expect(page.body).toContain('domain rule .gov');
    expect(labelProblems(page.body)).toEqual([]);
    const sent = await web.post(`/requests/${requestId}/portal/${sid}/message`, {
      body: 'Please resend page 3.',
    });
    expect(sent.statusCode).toBe(303);
    expect((await b.get(`/portal/submissions/${sid}`)).body).toContain('Please resend page 3.');
    expect((await web.post(`/requests/${requestId}/portal/${sid}/message`, { body: '' })).statusCode).toBe(
      400,
    );
    await s.documents.upload(admin, requestId, {
      kind: 'production',
      name: 'rp.csv',
      file: streamOf(Buffer.from('x')),
    });
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    const p = await s.productions.record(admin, requestId, {});
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'records re-checked' });
    await s.workflow.respond(admin, requestId, { outcome: 'no_data', produced: [], accounts: [] });
    await web.get(`/requests/${requestId}`);
    // The response now produces nothing: the policy gate refuses the release, and nothing is released.
    const refused = await web.post(`/requests/${requestId}/portal/${sid}/release`, {
      production_id: String(p.id),
      days: '3',
      max_downloads: '2',
    });
    expect(refused.statusCode).toBe(409);
    expect((await s.portal.intake.forRequest(admin, requestId)).releases).toHaveLength(0);
    await s.workflow.transition(admin, requestId, { to: 'in_review', reason: 'found after all' });
    await s.workflow.respond(admin, requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    await web.get(`/requests/${requestId}`);
    const ok = await web.post(`/requests/${requestId}/portal/${sid}/release`, {
      production_id: String(p.id),
      days: '3',
      max_downloads: '2',
    });
    expect(ok.statusCode).toBe(303);
    const [rel] = (await s.portal.intake.forRequest(admin, requestId)).releases;
    expect(rel).toMatchObject({ max_downloads: 2, revoked_at: null });
    expect((await b.get(`/portal/releases/${rel!.id}/download`)).statusCode).toBe(200);
    await web.get(`/requests/${requestId}`);
    expect((await web.post(`/requests/${requestId}/portal/releases/${rel!.id}/revoke`)).statusCode).toBe(303);
    expect((await b.get(`/portal/releases/${rel!.id}/download`)).body).toMatch(/withdrawn by the legal team/);
  });

  // Last in the file: it moves every secret of this database to another master key.
  it('candor keys rotate re-seals the officers’ second factors: they sign in with the same app under the new key only', async () => {
    const b = await officer('rotate@fbi.gov');
    const stored = async () =>
      (
        await t.db
          .selectFrom('portal_users')
          .select('totp_secret')
          .where('email', '=', 'rotate@fbi.gov')
          .executeTakeFirstOrThrow()
      ).totp_secret!;
    const before = await stored();
    const newKey = Buffer.alloc(32, 7);
    const rotating = createServices({
      db: t.db,
      config: { ...config, secretKey: newKey, previousSecretKeys: [config.secretKey!] },
      clock,
    });
    const r = await rotating.keys.rotate(admin);
    expect(r.resealed.portal_totp_secrets).toBeGreaterThanOrEqual(1);
    expect((await stored()).split('.')[1]).toBe(r.keyId);
    expect((await stored()).split('.')[1]).not.toBe(before.split('.')[1]);
    // A server that holds only the new key signs the officer in with a code from the same authenticator.
    const only = { ...config, secretKey: newKey, previousSecretKeys: [] };
    const app2 = await buildApp({
      config: only,
      services: createServices({ db: t.db, config: only, clock }),
    });
    try {
      const again = new WebClient(app2);
      await again.get('/portal/sign-in');
      await again.post('/portal/sign-in', { email: 'rotate@fbi.gov', website: '' });
      await again.post(linkTo('rotate@fbi.gov', 'sign-in'));
      await again.get('/portal/code');
      clock.set(new Date(clock().getTime() + 31_000).toISOString());
      expect((await again.post('/portal/code', { code: code(b.secret) })).headers.location).toBe('/portal');
    } finally {
      await app2.close();
    }
  });
});
