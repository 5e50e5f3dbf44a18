import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { firstRunLink } from '../../src/services/auth.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

const ARTIFACTS = 'test-artifacts';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const XSS = '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';
const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let browser: Browser;
let base = '';
let repo = '';
const dialogs: string[] = [];
const cspErrors: string[] = [];

async function newPage(viewport: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORTS[viewport], deviceScaleFactor: 1 });
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

describe.skipIf(!haveChromium)('the web app in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await testDatabase();
    // Real time: the browser's session cookie and the server's expiry must agree.
    s = createServices({ db: t.db, config: testConfig, clock: () => new Date() });
    repo = mkdtempSync(join(tmpdir(), 'candor-web-publish-'));
    app = await buildApp({ config: { ...testConfig, publishRepo: repo }, services: s });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    // Some history, so the list, the dashboard and the autocomplete have something to show.
    const year = new Date().getUTCFullYear();
    const half = new Date().getUTCMonth() < 6 ? '01' : '07';
    for (let i = 0; i < 14; i++) {
      await s.requests.create(
        actor('admin'),
        requestInput.parse(
          requestFactory({
            external_ref: `GJ-${year}-${String(100 + i)}`,
            received_at: `${year}-${half}-${String(2 + i).padStart(2, '0')}T09:00:00Z`,
            process_type: (
              ['grand_jury_subpoena', 'search_warrant', 'court_order_2703d', 'emergency_request'] as const
            )[i % 4],
            emergency: i % 4 === 3,
            agency: {
              name: i % 2 ? 'Federal Bureau of Investigation' : 'Metropolitan Police Service',
              kind: 'law_enforcement',
              level: i % 2 ? 'federal' : 'national',
              country: i % 2 ? 'US' : 'GB',
            },
            outcome: i % 3 === 0 ? 'no_data' : undefined,
            responded_at: i % 3 === 0 ? `${year}-${half}-20T09:00:00Z` : undefined,
          }),
        ),
      );
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('first run: the printed link sets the first admin, who records a request and finds it', async () => {
    const page = await newPage();
    const link = (await firstRunLink(s, base)) as string;
    await page.goto(link);
    await shoot(page, 'setup-desktop');
    await page.fill('#f-email', 'counsel@example.com');
    await page.fill('#f-password', 'a long enough passphrase');
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    await shoot(page, 'dashboard-desktop');
    expect(await page.textContent('h1')).toBe('Dashboard');

    // The skip link is the first thing the keyboard reaches.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');

    await page.goto(`${base}/requests/new`);
    // Progressive enhancement: picking a known agency fills in its kind, level and country.
    await page.fill('#f-agency-name', 'Feder');
    await page.waitForFunction(() => document.querySelectorAll('#agency-options option').length > 0);
    await page.fill('#f-agency-name', 'Federal Bureau of Investigation');
    await page.waitForFunction(
      () => (document.getElementById('f-agency-country') as HTMLInputElement).value === 'US',
    );
    expect(await page.inputValue('#f-agency-level')).toBe('federal');

    // Submitting with gaps shows the errors beside the fields and keeps the input.
    await page.fill('#f-external-ref', `BR-1 ${XSS}`);
    await page.click('button.primary[type=submit]');
    await page.waitForSelector('.has-error');
    await shoot(page, 'new-request-errors-desktop');
    expect(await page.inputValue('#f-external-ref')).toBe(`BR-1 ${XSS}`);

    await page.fill('#f-received-at', '2026-01-20T10:15');
    await page.selectOption('#f-process-type', 'search_warrant');
    await page.check('input[name=data_sought][value=content]');
    await page.fill('#f-issuer', XSS);
    await page.fill('#f-accounts', `AC-browser\n${XSS}`);
    await page.click('details.card > summary');
    await page.fill('#f-notes', XSS);
    await Promise.all([
      page.waitForURL(/\/requests\/\d+\?created=1$/),
      page.click('button.primary[type=submit]'),
    ]);
    await shoot(page, 'request-detail-desktop');
    const detailPath = new URL(page.url()).pathname;
    expect(await page.textContent('h1')).toContain(`BR-1 ${XSS}`);
    expect(await page.textContent('.guidance')).toContain('warrant');

    await page.goto(`${base}/requests?q=BR-1`);
    expect(await page.locator('table.requests tbody tr').count()).toBe(1);
    await page.goto(`${base}/requests`);
    await shoot(page, 'requests-desktop');
    await page.goto(`${base}/admin`);
    await shoot(page, 'admin-desktop');
    await page.goto(`${base}/account`);
    await shoot(page, 'account-desktop');

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(cspErrors).toEqual([]);

    // The same pages on a phone.
    const phone = await browser.newContext({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    await phone.addCookies(await page.context().cookies());
    const p = await phone.newPage();
    for (const [name, path] of [
      ['dashboard', '/'],
      ['requests', '/requests'],
      ['new-request', '/requests/new'],
      ['request-detail', detailPath],
      ['admin', '/admin'],
      ['account', '/account'],
    ] as const) {
      await p.goto(`${base}${path}`);
      await p.screenshot({ path: `${ARTIFACTS}/${name}-phone.png`, fullPage: true });
      // Nothing wider than the screen.
      expect(await p.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(
        VIEWPORTS.phone.width,
      );
    }
    await phone.close();
  });

  it('the core loop: record, assign, review, respond, notice, then freeze and publish the half-year', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.fill('#f-email', 'counsel@example.com');
    await page.fill('#f-password', 'a long enough passphrase');
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);

    // Received in the last half-year that has ended: a period still running is previewed but never frozen.
    const now = new Date();
    const halfStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() < 6 ? 0 : 6, 1);
    const receivedAt = new Date(halfStart - 10 * 86_400_000).toISOString().slice(0, 16);
    const period = `${receivedAt.slice(0, 4)}-H${Number(receivedAt.slice(5, 7)) <= 6 ? 1 : 2}`;
    await page.goto(`${base}/reports/${period}`);
    const before = await page.textContent('.report-preview');

    // Intake through the form.
    await page.goto(`${base}/requests/new`);
    await page.fill('#f-external-ref', 'LOOP-1');
    await page.fill('#f-received-at', receivedAt);
    await page.selectOption('#f-process-type', 'search_warrant');
    await page.check('input[name=data_sought][value=content]');
    await page.fill('#f-agency-name', 'Federal Bureau of Investigation');
    await page.selectOption('#f-agency-kind', 'law_enforcement');
    await page.selectOption('#f-agency-level', 'federal');
    await page.fill('#f-agency-country', 'US');
    await page.fill('#f-accounts', 'AC-loop');
    await Promise.all([
      page.waitForURL(/\/requests\/\d+\?created=1$/),
      page.click('button.primary[type=submit]'),
    ]);
    const detail = `${base}${new URL(page.url()).pathname}`;
    const act = async (form: string, fill: () => Promise<unknown>): Promise<void> => {
      // The next step the policy engine expects is already open; the others are folded until clicked.
      if (!(await page.$eval(`#act-${form}`, (d) => (d as HTMLDetailsElement).open))) {
        await page.click(`#act-${form} > summary`);
      }
      await fill();
      await Promise.all([
        page.waitForURL((u) => u.pathname === new URL(detail).pathname && u.search !== '?created=1'),
        page.click(`#act-${form} button[type=submit]`),
      ]);
      await page.waitForSelector('.notice-ok');
    };

    await act('assign', () =>
      page.selectOption('#act-assign select[name=user_id]', { label: 'counsel@example.com (admin)' }),
    );
    expect(await page.textContent('#act-assign > summary')).toContain('counsel@example.com');
    await act('transition', () => page.selectOption('#act-transition select[name=to]', 'in_review'));
    expect(await page.textContent('main')).toContain('In review');

    await act('hold', () => page.selectOption('#act-hold select[name=regime]', 'sca_2703f'));
    expect(await page.textContent('.hold')).toContain('18 U.S.C. 2703(f) preservation');

    // Every action open, for the screenshots.
    await page.evaluate(() =>
      document.querySelectorAll<HTMLDetailsElement>('details.action').forEach((d) => (d.open = true)),
    );
    await shoot(page, 'request-actions-desktop');
    await page.evaluate(() =>
      document.querySelectorAll<HTMLDetailsElement>('details.action').forEach((d) => (d.open = false)),
    );

    await act('respond', async () => {
      await page.selectOption('#act-respond select[name=outcome]', 'content_produced');
      await page.check('#act-respond input[name=produced][value=content]');
      await page.selectOption('#act-respond select[name="result.0"]', 'produced');
    });
    expect(await page.textContent('main')).toContain('Responded');
    // Nobody to notify yet: add the customer's contact in the notice section, which then offers the queue.
    expect(await page.textContent('#notice-send')).toContain('No contact on file for: AC-loop.');
    await act('contact-0', async () => {
      await page.fill('#f-contact-0-email', 'ana@example.com');
      await page.fill('#f-contact-0-name', 'Ana');
    });
    await page.waitForSelector('#notice-send button:has-text("Queue the customer notice for 1 account")');
    expect(await page.textContent('.notice-ok')).toContain('The contact was saved.');
    expect(await page.textContent('#notice-send')).not.toContain('No contact on file');
    // The notice exactly as it would be sent, then queued from the preview.
    await page.goto(`${detail}/notice`);
    expect(await page.textContent('h1')).toBe('Customer notice');
    expect(await page.textContent('.letter')).toContain('about your account\nAC-loop');
    await shoot(page, 'notice-desktop');
    await Promise.all([
      page.waitForURL(/\/notice/),
      page.click('form button[type=submit]:has-text("Queue")'),
    ]);
    expect(await page.textContent('.notice-ok')).toContain('queued');
    await page.goto(`${detail}/notice`);
    expect(await page.textContent('main')).toContain('Outbox');

    // The report desk: the draft counts the new request; freeze and publish it.
    await page.goto(`${base}/reports/${period}`);
    const after = await page.textContent('.report-preview');
    expect(after).not.toBe(before);
    await shoot(page, 'reports-draft-desktop');
    await Promise.all([
      page.waitForURL(/\/reports\//),
      page.click('section[aria-labelledby=freeze] button[type=submit]'),
    ]);
    await page.waitForSelector('section[aria-labelledby=publish]');
    const git = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL'] as const;
    const saved = git.map((k) => process.env[k]);
    git.forEach((k) => (process.env[k] = k.endsWith('EMAIL') ? 'counsel@example.com' : 'Counsel'));
    try {
      await page.click('section[aria-labelledby=publish] button[type=submit]');
      await page.waitForSelector('.notice-ok');
      expect(execFileSync('git', ['tag', '--list'], { cwd: repo, encoding: 'utf8' }).split('\n')).toContain(
        `${period}-v1`,
      );
    } finally {
      git.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
      rmSync(repo, { recursive: true, force: true });
    }
    await shoot(page, 'reports-desktop');
    // The contact is on the Contacts page, found by the start of its account reference.
    await page.goto(`${base}/contacts?q=AC-lo`);
    expect(await page.textContent('table.contacts')).toContain('ana@example.com');
    await shoot(page, 'contacts-desktop');

    const phone = await browser.newContext({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    await phone.addCookies(await page.context().cookies());
    const p = await phone.newPage();
    for (const [name, url] of [
      ['request-actions', detail],
      ['notice', `${detail}/notice`],
      ['reports', `${base}/reports/${period}`],
      ['contacts', `${base}/contacts`],
    ] as const) {
      await p.goto(url);
      await p.evaluate(() =>
        document.querySelectorAll<HTMLDetailsElement>('details.action').forEach((d) => (d.open = true)),
      );
      await p.screenshot({ path: `${ARTIFACTS}/${name}-phone.png`, fullPage: true });
      expect(await p.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(
        VIEWPORTS.phone.width,
      );
    }
    await phone.close();
    expect(cspErrors).toEqual([]);
  }, 180_000); // a long flow on a shared 2-core machine: the limit catches a hang, not a slow run

  it('sign-in page and refusal', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await shoot(page, 'login-desktop');
    await page.fill('#f-email', 'counsel@example.com');
    await page.fill('#f-password', 'wrong wrong wrong');
    await page.click('button[type=submit]');
    await page.waitForSelector('.notice-error');
    expect(await page.textContent('.notice-error')).toContain('not right');
    const phone = await newPage('phone');
    await phone.goto(`${base}/login`);
    await shoot(phone, 'login-phone');
  });
});
