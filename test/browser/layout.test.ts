import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/index.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { buildApp } from '../../src/http/app.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { WEB_ROUTES } from '../../src/web/routes.ts';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.ts';
import { actor, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { PASSWORD, userWithPassword } from '../helpers/web.ts';

// Every staff page at desktop and phone width, over a demo history (2015): screenshots for a person to compare,
// and the measurable part of "looks like a product": nothing wider than the screen, the report desk short and
// every one of its sections reachable (with and without JavaScript).

const ARTIFACTS = 'test-artifacts';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
/** The report desk's first view at 1280 wide, in CSS pixels (it was some 23,000 before it had tabs). */
const DESK_MAX_HEIGHT = 4000;
const PERIOD = '2015-H1';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let browser: Browser;
let base = '';
let requestId = 0;
let account = '';
const cspErrors: string[] = [];

/** The GET routes that are not pages a person looks at (files, JSON, sign-in steps before the session). */
const NOT_PAGES = new Set([
  'GET /login',
  'GET /login/second-factor',
  'GET /login/oidc',
  'GET /login/oidc/callback',
  'GET /setup/:token',
  'GET /documents/:id/download',
  'GET /productions/:id/zip',
  'GET /web/agencies',
  'GET /intake/:id/document',
  'GET /reports/:period/download/:format',
  'GET /reports',
]);

/** One example address per staff page, by route. */
const PAGES: Record<string, { name: string; url: () => string }> = {
  'GET /': { name: 'dashboard', url: () => '/' },
  'GET /requests': { name: 'requests', url: () => '/requests' },
  'GET /requests/new': { name: 'new-request', url: () => '/requests/new' },
  'GET /requests/:id': { name: 'request-detail', url: () => `/requests/${requestId}` },
  'GET /requests/:id/edit': { name: 'request-edit', url: () => `/requests/${requestId}/edit` },
  'GET /requests/:id/notice': { name: 'request-notice', url: () => `/requests/${requestId}/notice` },
  'GET /contacts': { name: 'contacts', url: () => '/contacts' },
  'GET /contacts/view': {
    name: 'contact-view',
    url: () => `/contacts/view?account=${encodeURIComponent(account)}`,
  },
  'GET /intake': { name: 'intake', url: () => '/intake' },
  'GET /reports/:period': { name: 'report-desk', url: () => `/reports/${PERIOD}` },
  'GET /reports/policy': { name: 'report-policy', url: () => '/reports/policy' },
  'GET /reports/:period/diff': { name: 'report-diff', url: () => `/reports/${PERIOD}/diff?from=1&to=2` },
  'GET /admin': { name: 'admin', url: () => '/admin' },
  'GET /admin/portal': { name: 'admin-portal', url: () => '/admin/portal' },
  'GET /account': { name: 'account', url: () => '/account' },
  'GET /account/totp': { name: 'account-totp', url: () => '/account/totp' },
};

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(`${base}/login`);
  await page.fill('#f-email', 'admin@example.com');
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return page;
}

/** The page's width against the window's, with the outermost elements that stick out (for the message). */
const pageWidth = (p: Page) =>
  p.evaluate(() => {
    const inner = window.innerWidth;
    const out = [...document.querySelectorAll('body *')].filter(
      (el) =>
        el.getBoundingClientRect().right > inner + 0.5 &&
        !(el.parentElement!.getBoundingClientRect().right > inner + 0.5),
    );
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).replace(/ /g, '.')}` : ''}`;
    return {
      scroll: document.scrollingElement!.scrollWidth,
      inner,
      out: out.slice(0, 5).map(name).join(', '),
    };
  });
const pageHeight = (p: Page) => p.evaluate(() => document.scrollingElement!.scrollHeight);
/** Whether the element with this id is rendered (not hidden, nor inside something hidden). */
const shown = (p: Page, id: string) =>
  p.evaluate((i) => {
    const el = document.getElementById(i);
    return el !== null && el.getClientRects().length > 0;
  }, id);

describe.skipIf(!haveChromium)('the layout of every staff page in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await testDatabase();
    // Real time: the browser's session cookie and the server's expiry must agree.
    s = createServices({ db: t.db, config: testConfig, clock: () => new Date() });
    const now = new Date();
    const demo = generateDemo({ seed: 2015, until: '2015-H2', now });
    await t.db.transaction().execute((trx) => loadDemo(trx, demo, { seed: 2015, actor: 'test', now }));
    // Two versions of the desk's half-year, so it shows versions, drift, correction and publication.
    await s.reports.freeze(actor('admin'), PERIOD, {});
    // A request recorded late: version 2 corrects version 1 for it.
    await s.requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ external_ref: 'LATE-1', received_at: '2015-03-02T09:00:00Z' })),
    );
    await s.reports.correct(actor('admin'), PERIOD, { why: 'A layout test.', method: 'Recounted.' });
    // A request answered for three accounts with long references and addresses, its notices queued: the
    // widest table of the request page.
    const accounts = ['ACf3c1a9e07b5d42c88e1a6f0b9d2c47e1', 'ACf3c1a9e07b5d42c88e1a6f0b9d2c47e2', 'AC7001'];
    ({ id: requestId } = await s.requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ external_ref: 'OUTBOX-1', accounts })),
    ));
    await s.workflow.transition(actor('admin'), requestId, { to: 'in_review' });
    await s.workflow.respond(actor('admin'), requestId, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    for (const [i, a] of accounts.entries()) {
      await s.notices.setContact(actor('admin'), a, {
        email: `legal.department.records+${i}@a-rather-long-customer-domain.example`,
        language: 'en',
      });
    }
    await s.notices.queue(actor('admin'), requestId);
    account = accounts[0]!;
    await userWithPassword(s, 'admin', 'admin@example.com');
    const addr =
      ((app = await buildApp({ config: testConfig, services: s })),
      await app.listen({ port: 0, host: '127.0.0.1' }),
      app.server.address());
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('has an example for every staff page', () => {
    const gets = WEB_ROUTES.filter((r) => r.method === 'GET').map((r) => `GET ${r.path}`);
    expect(gets.filter((k) => !PAGES[k] && !NOT_PAGES.has(k))).toEqual([]);
  });

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`no page is wider than a ${size} screen (${viewport.width} px); screenshots in ${ARTIFACTS}/layout-*-${size}.png`, async () => {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const page = await signIn(context);
      const measured: Record<string, number> = {};
      for (const { name, url } of Object.values(PAGES)) {
        const res = await page.goto(`${base}${url()}`);
        expect(res?.status(), name).toBe(200);
        await page.screenshot({ path: `${ARTIFACTS}/layout-${name}-${size}.png`, fullPage: true });
        const w = await pageWidth(page);
        expect.soft(w.scroll, `${name} at ${size}: ${w.out}`).toBeLessThanOrEqual(w.inner);
        measured[name] = await pageHeight(page);
      }
      console.log(`page heights at ${size}:`, JSON.stringify(measured));
      await context.close();
      expect(cspErrors).toEqual([]);
    }, 180_000);
  }

  it(`the report desk's first view is under ${DESK_MAX_HEIGHT} px at 1280 wide, and its tabs switch sections`, async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, deviceScaleFactor: 1 });
    const page = await signIn(context);
    await page.goto(`${base}/reports/${PERIOD}`);
    const height = await pageHeight(page);
    console.log(`report desk at 1280: ${height} px`);
    expect(height).toBeLessThan(DESK_MAX_HEIGHT);
    const tabs = page.locator('[role=tablist] [role=tab]');
    const n = await tabs.count();
    expect(n).toBeGreaterThan(5);
    let tallest = 0;
    for (let i = 0; i < n; i++) {
      const tab = tabs.nth(i);
      const panel = (await tab.getAttribute('aria-controls'))!;
      await tab.click();
      expect(await tab.getAttribute('aria-selected')).toBe('true');
      expect(await shown(page, panel), panel).toBe(true);
      // Exactly one section of the draft shows.
      expect(await page.locator('.report-section:visible').count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('section')).toBe(panel.slice('panel-'.length));
      tallest = Math.max(tallest, await pageHeight(page));
    }
    console.log(`report desk at 1280, tallest section: ${tallest} px`);
    // By keyboard: the arrow keys move along the tabs, and the section follows.
    await tabs.nth(0).click();
    await page.keyboard.press('ArrowDown');
    const second = tabs.nth(1);
    expect(await second.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await shown(page, (await second.getAttribute('aria-controls'))!)).toBe(true);
    await page.keyboard.press('End');
    expect(await tabs.nth(n - 1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await tabs.nth(0).getAttribute('aria-selected')).toBe('true');
    // The desk's own sections are always on the page.
    for (const href of await page
      .locator('.toc > ul:not([data-tabs]) a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
      expect(await shown(page, href.slice(1)), href).toBe(true);
    }
    await context.close();
    expect(cspErrors).toEqual([]);
  }, 120_000);

  it('without JavaScript the desk is as short, each link of its contents reaches its section, and one shows them all', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop, javaScriptEnabled: false });
    const page = await signIn(context);
    await page.goto(`${base}/reports/${PERIOD}`);
    expect(await pageHeight(page)).toBeLessThan(DESK_MAX_HEIGHT);
    expect(await page.locator('[role=tab]').count()).toBe(0);
    const links = await page
      .locator('nav.toc a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const sections = await page.locator('.report-section').count();
    expect(links.length).toBeGreaterThan(sections);
    for (const link of links) {
      await page.goto(link);
      const target = new URL(link).hash.slice(1);
      expect(await shown(page, target), link).toBe(true);
    }
    // "All sections on one page" shows every one.
    expect(await page.locator('.report-section:visible').count()).toBe(sections);
    await page.screenshot({ path: `${ARTIFACTS}/layout-report-desk-all-desktop.png`, fullPage: true });
    await context.close();
  }, 120_000);

  it("the dashboard says beside its counts why the report's differ, and links to the desk", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await signIn(context);
    const note = page.locator('section[aria-labelledby=counts] #counts-vs-report');
    expect(await note.textContent()).toMatch(
      /government requests only[\s\S]*national-security[\s\S]*only in bands/,
    );
    await Promise.all([page.waitForURL(/\/reports\/\d{4}-H[12]/), note.locator('a').click()]);
    await context.close();
  });
});
