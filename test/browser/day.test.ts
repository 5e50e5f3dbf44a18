import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as httpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { CHROMIUM, freePort, haveChromium, launchChromium, press } from '../helpers/chromium.ts';
import { actor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { PASSWORD, userWithPassword } from '../helpers/web.ts';

/**
 * Issue 17's done-when, in Chromium: a legal team's day. A handler signs in through single sign-on (a real
 * OpenID Connect provider on a local port), works her queue ("mine", soonest first), corrects a request's
 * facts, follows a reminder e-mail to the request it names and takes the next step, comments with a mention
 * that e-mails the person mentioned; an approver approves an emergency disclosure; and neither of them, not
 * holding the restricted-matters grant, can find a National Security Letter anywhere. Real time, real SMTP.
 */

const ARTIFACTS = 'test-artifacts';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 20_000 };
const DAY = 86_400_000;
const HANA = 'hana@example.com';
const OMAR = 'omar@example.com';
const NSL = { ref: 'NSL-DAY-0001', agency: 'Meridian Counterintelligence Field Office' };

let t: TestDb;
let s: Services;
let smtp: TestSmtp;
let app: FastifyInstance;
let idp: Server;
let browser: Browser;
let base = '';
const dir = mkdtempSync(path.join(tmpdir(), 'candor-browser-day-'));
const cspErrors: string[] = [];
const overflow: string[] = [];
const ids = { soon: 0, mid: 0, later: 0, other: 0, emergency: 0, nsl: 0 };

async function context(viewport = DESKTOP): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  c.setDefaultTimeout(WAIT.timeout);
  c.on('page', (p) => {
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    p.on('dialog', (d) => void d.accept());
  });
  return c;
}

/** A full-page screenshot at desktop and phone size; on the phone nothing may be wider than the screen. */
async function shoot(page: Page, name: string): Promise<void> {
  const was = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${ARTIFACTS}/day-${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${ARTIFACTS}/day-${name}-phone.png`, fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > PHONE.width) overflow.push(`${name}: ${width}px`);
  await page.setViewportSize(was);
}

/** Everything of a page a user can read, and its address's HTTP status. */
async function visit(page: Page, p: string): Promise<{ status: number; text: string; main: string }> {
  const res = await page.goto(`${base}${p}`);
  // What the page says and links to (a search box's own value is not something the page found).
  const text = await page.evaluate(() =>
    [
      document.body.innerText,
      ...[...document.querySelectorAll('a')].map((a) => new URL(a.href).pathname),
    ].join('\n'),
  );
  return { status: res?.status() ?? 0, text, main: (await page.textContent('main')) ?? '' };
}

/** The links of a kind in the e-mails that reached an address since `after`, waiting for one. */
async function mailedTo(to: string, after: number, pattern: RegExp): Promise<string> {
  const find = () =>
    smtp.arrivals
      .slice(after)
      .filter((a) => a.to.includes(to))
      .map((a) => a.raw.replace(/=\r?\n/g, ''))
      .find((raw) => pattern.test(raw));
  await expect.poll(find, WAIT).toBeTruthy();
  return find()!;
}

/** The request page, with or without the note a redirect after a form adds to its address. */
const at = (id: number) => (u: URL) => u.origin === base && u.pathname === `/requests/${id}`;

const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe.skipIf(!haveChromium)("a legal team's day in Chromium", () => {
  let hana: Page;
  let omar: Page;
  let hanaId = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await startSmtp();
    // The identity provider: oidc-provider's development login and consent screens, on its own port.
    idp = httpServer();
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'candor',
          client_secret: 'candor-day-secret',
          redirect_uris: [`${base}/login/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      findAccount: async (_ctx: unknown, id: string) =>
        id === 'hana'
          ? { accountId: id, claims: async () => ({ sub: 'hana', email: HANA, email_verified: true }) }
          : undefined,
      cookies: { keys: ['day-cookie-key'] },
      features: { devInteractions: { enabled: true } },
    });
    idp.on('request', provider.callback());

    const config = loadConfig({
      CANDOR_DATA_DIR: dir,
      CANDOR_PUBLISH_REPO: path.join(dir, 'public'),
      CANDOR_PUBLIC_URL: base,
      CANDOR_SMTP_URL: smtp.url,
      CANDOR_OIDC_ISSUER: issuer,
      CANDOR_OIDC_CLIENT_ID: 'candor',
      CANDOR_OIDC_CLIENT_SECRET: 'candor-day-secret',
      // Her account exists; the provider's verified e-mail links it on her first sign-in.
      CANDOR_OIDC_LINK_BY_EMAIL: 'true',
    });
    t = await testDatabase();
    // Real time: the browser's cookies, the sessions and the provider's tokens must all agree.
    s = createServices({ db: t.db, config, clock: () => new Date() });
    app = await buildApp({ config, services: s });
    await app.listen({ port, host: '127.0.0.1' });

    // The team: Hana handles requests and signs in through the company's identity provider (her account
    // exists: sign-in does not create accounts by default); Omar approves and signs in with a password.
    const admin = actor('admin');
    hanaId = (await s.users.add(admin, HANA, 'handler')).user.id;
    await userWithPassword(s, 'approver', OMAR);
    const make = async (over: Partial<RequestInput>) =>
      (await s.requests.create(admin, requestInput.parse(requestFactory(over)))).id;
    const mine = async (id: number) => s.workflow.assign(admin, id, { userId: hanaId });
    // Subpoenas are due 14 days after receipt, warrants 10: due in about 1, 4 and 6 days (the queue shows a
    // week by default).
    ids.later = await make({
      external_ref: 'DAY-LATER-3',
      process_type: 'search_warrant',
      received_at: ago(4),
    });
    ids.soon = await make({
      external_ref: 'DAY-SOON-1',
      received_at: ago(13),
      legal_authority: '18 U.S.C. 2703(c)',
    });
    ids.mid = await make({ external_ref: 'DAY-MID-2', received_at: ago(10) });
    ids.other = await make({ external_ref: 'DAY-NOBODY-4', received_at: ago(12) });
    for (const id of [ids.later, ids.soon, ids.mid]) await mine(id);
    ids.emergency = await make({
      external_ref: 'DAY-EMERGENCY-5',
      process_type: 'emergency_request',
      emergency: true,
      emergency_basis: 'A caller reports a kidnapping in progress; the victim is the account holder.',
      data_sought: ['basic_subscriber'],
      received_at: ago(0.05),
    });
    await mine(ids.emergency);
    await s.workflow.transition(admin, ids.emergency, { to: 'in_review' });
    await s.workflow.recordVerification(admin, ids.emergency, {
      attestsDanger: true,
      verifiedBy: 'Hana (legal)',
      calledBackAt: new Date(Date.now() - 30 * 60_000),
      number: '+1 202 555 0199',
      numberSource: 'agency_directory',
    });
    ids.nsl = await make({
      external_ref: NSL.ref,
      agency: { name: NSL.agency, kind: 'law_enforcement', level: 'federal', country: 'US' },
      process_type: 'national_security_letter',
      data_sought: ['non_content'],
      received_at: ago(3),
    });
    await mine(ids.nsl);

    browser = await launchChromium();
    hana = await (await context()).newPage();
    omar = await (await context()).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    idp?.closeAllConnections();
    await new Promise((r) => idp?.close(r));
    await smtp?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the handler signs in through single sign-on and lands on her queue, soonest first', async () => {
    await hana.goto(`${base}/login`);
    await shoot(hana, 'sign-in');
    await press(hana, 'a[href^="/login/oidc"]', /\/interaction\//);
    // The provider's own login and consent screens.
    await hana.fill('input[name=login]', 'hana');
    await hana.fill('input[name=password]', 'any');
    await press(hana, 'button[type=submit]', /\/interaction\/|\/login\/oidc|\/$/);
    if (/\/interaction\//.test(hana.url()))
      await press(hana, 'button[type=submit]', (u) => u.origin === base);
    await hana.waitForURL((u) => u.origin === base && !u.pathname.startsWith('/login'), WAIT);
    expect(await hana.textContent('header .who')).toContain(HANA);

    await hana.goto(`${base}/`);
    const due = await hana.textContent('section[aria-labelledby=due]');
    expect(due).toMatch(/assigned to you/);
    const refs = await hana.$$eval('table.due tbody tr td[data-label=Request] a', (as) =>
      as.map((a) => a.textContent?.trim()),
    );
    // Hers only (not the unassigned one), the NSL not at all (she lacks the grant), soonest first.
    expect(refs).not.toContain('DAY-NOBODY-4');
    expect(refs).not.toContain(NSL.ref);
    const order = ['DAY-EMERGENCY-5', 'DAY-SOON-1', 'DAY-MID-2', 'DAY-LATER-3'].map((r) => refs.indexOf(r));
    expect(
      order.every((i) => i >= 0),
      refs.join(' '),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await shoot(hana, 'queue-mine');
  });

  it('she corrects a request’s facts, and the history says what changed in words', async () => {
    await hana.goto(`${base}/requests/${ids.soon}/edit`);
    await hana.fill('[name=legal_authority]', '18 U.S.C. 2703(c)(2)');
    await hana.fill('[name=notes]', 'Return date on the subpoena is earlier than our target.');
    await shoot(hana, 'edit');
    await press(hana, 'form[action$="/edit"] button[type=submit]', at(ids.soon));
    const page = await hana.textContent('main');
    expect(page).toContain('18 U.S.C. 2703(c)(2)');
    expect(page).toContain('Return date on the subpoena is earlier than our target.');
    expect((await s.requests.get(actor('admin'), ids.soon)).legal_authority).toBe('18 U.S.C. 2703(c)(2)');
    // The history names the field and both values, and who changed it.
    const history = (await hana.textContent('section[aria-labelledby=history]')) ?? '';
    expect(history).toMatch(/legal authority/i);
    expect(history).toContain('18 U.S.C. 2703(c)(2)');
    expect(history).toContain(HANA);
    await shoot(hana, 'corrected');
  });

  it('a reminder e-mail names the request due tomorrow; she follows it and starts the review', async () => {
    const before = smtp.arrivals.length;
    const run = await s.reminders.run();
    expect(run.queued).toBeGreaterThan(0);
    const mail = await mailedTo(HANA, before, /DAY-SOON-1/);
    expect(mail).not.toContain(NSL.ref);
    const link = new RegExp(`${base}/requests/${ids.soon}\\b`).exec(mail)?.[0];
    expect(link).toBeTruthy();
    await hana.goto(link!);
    await shoot(hana, 'reminded-request');
    // The next step is the open, highlighted action: start the review.
    expect(await hana.textContent('.next-step')).toMatch(/review/i);
    expect(await hana.getAttribute('#act-transition', 'open')).not.toBeNull();
    await hana.selectOption('#act-transition.primary-action select[name=to]', 'in_review');
    await press(hana, '#act-transition button[type=submit]', at(ids.soon));
    expect((await s.requests.get(actor('admin'), ids.soon)).status).toBe('in_review');
  });

  it('an approver signs in with a password and approves the emergency disclosure', async () => {
    await omar.goto(`${base}/login`);
    await omar.fill('input[name=email]', OMAR);
    await omar.fill('input[name=password]', PASSWORD);
    await press(omar, 'form[action^="/login"] button[type=submit]', (u) => !u.pathname.startsWith('/login'));
    await omar.goto(`${base}/requests/${ids.emergency}`);
    await omar.click('#act-approve summary');
    await omar.selectOption('#act-approve select[name=purpose]', 'emergency_disclosure');
    await shoot(omar, 'approve');
    await press(omar, '#act-approve button[type=submit]', at(ids.emergency));
    const r = await s.requests.get(actor('admin'), ids.emergency);
    expect(r.workflow.approvals.map((a) => [a.purpose, a.approver])).toContainEqual([
      'emergency_disclosure',
      OMAR,
    ]);
  });

  it('she comments with a mention; the approver is e-mailed the request, never the comment’s words', async () => {
    const words = 'Subscriber 4151234567 may be the wrong account; please look before we answer.';
    await hana.goto(`${base}/requests/${ids.soon}`);
    await hana.fill('.comment-form textarea[name=text]', `@${OMAR} ${words}`);
    await shoot(hana, 'comment');
    await press(hana, '.comment-form button[type=submit]', at(ids.soon));
    // The thread shows the comment, its author, and that the mention reached the approver.
    const thread = (await hana.textContent('section[aria-labelledby=comments]')) ?? '';
    expect(thread).toContain(words);
    expect(thread).toContain(HANA);
    expect(thread).toContain(OMAR);
    const posted = await s.comments.comments(actor('admin'), ids.soon);
    expect(posted.at(-1)?.mentions).toEqual([expect.objectContaining({ email: OMAR, notified: true })]);

    // The background job sends it through real SMTP: the reference and a link, not the comment.
    const before = smtp.arrivals.length;
    await s.reminders.run();
    const mail = await mailedTo(OMAR, before, /mentioned you/);
    expect(mail).toContain('DAY-SOON-1');
    expect(mail).not.toContain('4151234567');
    const link = new RegExp(`${base}/requests/${ids.soon}\\b`).exec(mail)?.[0];
    expect(link).toBeTruthy();
    await omar.goto(link!);
    expect(await omar.textContent('section[aria-labelledby=comments]')).toContain(words);
    // Sent once: a second round sends nothing more to him.
    const after = smtp.arrivals.length;
    await s.reminders.run();
    expect(smtp.arrivals.slice(after).filter((a) => a.to.includes(OMAR))).toEqual([]);
  });

  it('neither of them, without the restricted-matters grant, finds the NSL anywhere', async () => {
    for (const page of [hana, omar]) {
      const pages = [
        '/',
        '/?who=all&within=all',
        '/requests',
        `/requests?q=${encodeURIComponent(NSL.ref)}`,
        `/requests?q=${encodeURIComponent('Meridian')}`,
      ];
      for (const p of pages) {
        const { status, text } = await visit(page, p);
        expect(status, p).toBe(200);
        expect(text, p).not.toContain(NSL.ref);
        expect(text, p).not.toContain(NSL.agency);
        expect(text, p).not.toContain(`/requests/${ids.nsl}`);
      }
      const direct = await visit(page, `/requests/${ids.nsl}`);
      const missing = await visit(page, '/requests/987654');
      expect(direct.status).toBe(404);
      expect(direct.main.replace(String(ids.nsl), 'ID')).toBe(missing.main.replace('987654', 'ID'));
      expect(direct.text).not.toContain(NSL.ref);
    }
    await shoot(omar, 'search-nsl');
  });

  it('no page was wider than the phone, and the Content-Security-Policy was never broken', () => {
    expect(overflow).toEqual([]);
    expect(cspErrors).toEqual([]);
  });
});
