import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { haveChromium, launchChromium } from '../helpers/chromium.ts';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { repositoryFiles } from '../../src/publish/layout.ts';
import { tmpDir } from './git-env.ts';
import { allVersions } from './versions.ts';

/**
 * The built site in Debian's Chromium, from file://: the figures on each page equal those in the period's
 * report.json, no request leaves the site's folder, and screenshots (desktop and phone) land in
 * test-artifacts/ for a person to look at.
 */

const artifacts = path.resolve('test-artifacts');
let browser: Browser;
let site: string;

/** The value at a data-figure path: `tables.by_country.IT.requests` looks the country up by code. */
function figureAt(report: Record<string, unknown>, p: string): unknown {
  let v: unknown = report;
  for (const part of p.split('.')) {
    if (Array.isArray(v)) v = v.find((x: { country?: string }) => x.country === part);
    else v = (v as Record<string, unknown>)[part];
  }
  return v;
}

describe.skipIf(!haveChromium)('the static site in a browser (skipped: no /usr/bin/chromium)', () => {
  beforeAll(async () => {
    site = tmpDir('site');
    for (const [rel, bytes] of await repositoryFiles(allVersions())) {
      mkdirSync(path.dirname(path.join(site, rel)), { recursive: true });
      writeFileSync(path.join(site, rel), bytes);
    }
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => browser?.close());

  const pages = [
    ['index.html', null],
    ['reports/2015-H1/index.html', '2015-H1'],
    ['reports/2015-H2/index.html', '2015-H2'],
  ] as const;

  for (const [rel, period] of pages) {
    it(`${rel} shows the figures of report.json and fetches nothing from elsewhere`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path.join(site, rel)).href);
      const figures = await page.$$eval('[data-figure]', (els) =>
        els.map((e) => ({
          path: e.getAttribute('data-figure')!,
          period: e.closest('[data-period]')?.getAttribute('data-period') ?? null,
          text: e.textContent!.trim(),
        })),
      );
      expect(figures.length).toBeGreaterThan(5);
      for (const f of figures) {
        const p = f.period ?? period;
        const report = JSON.parse(readFileSync(path.join(site, 'reports', p!, 'report.json'), 'utf8'));
        const expected = figureAt(report, f.path);
        expect(f.text.replace(/,/g, ''), `${rel} ${p} ${f.path}`).toBe(String(expected));
      }
      const siteUrl = pathToFileURL(site).href;
      expect(requests.filter((u) => !u.startsWith(siteUrl))).toEqual([]);
      expect(await page.$$eval('svg[role="img"] title', (t) => t.length)).toBe(rel === 'index.html' ? 5 : 0);
      await page.close();
    });
  }

  it('every link on every page resolves to a file of the site', async () => {
    const page = await browser.newPage();
    for (const [rel] of pages) {
      await page.goto(pathToFileURL(path.join(site, rel)).href);
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const h of hrefs.filter((x) => !x.includes('#'))) {
        expect(h.startsWith('file://'), h).toBe(true);
        expect(existsSync(new URL(h)), `${rel} links to ${h}`).toBe(true);
      }
    }
    await page.close();
  });

  it('fits a phone screen and a desktop (screenshots in test-artifacts/)', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await browser.newPage({ viewport, deviceScaleFactor: name === 'phone' ? 2 : 1 });
      for (const [rel] of pages.slice(0, 2)) {
        await page.goto(pathToFileURL(path.join(site, rel)).href);
        // Nothing wider than the screen except inside the scrollable table wrappers.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${rel} at ${name} width`).toBeLessThanOrEqual(0);
        const file = `site-${rel === 'index.html' ? 'index' : 'period'}-${name}.png`;
        await page.screenshot({ path: path.join(artifacts, file), fullPage: true });
      }
      await page.close();
    }
  });
});
